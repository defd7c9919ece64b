//! Generated crates on disk: generate a directory of specs, write the crates, or list what differs.
//! `cargo xtask gen [--check]`, the CLI's `generate` and the freshness test all use these.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::crate_files::{CrateOptions, GeneratedCrate, generate_crate};

/// Specs under `dir` (`*.yaml`, `*.yml`), sorted by name.
pub fn specs_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut specs: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    specs.sort();
    Ok(specs)
}

/// Generates every spec under `root/specs_dir`. Paths in headers and diagnostics are relative to `root`.
/// On failure, returns the rendered diagnostics of every spec that failed.
pub fn generate_dir(root: &Path, specs_dir: &str, options: &CrateOptions) -> Result<Vec<GeneratedCrate>, String> {
    let specs = specs_in(&root.join(specs_dir)).map_err(|e| format!("cannot list {specs_dir}: {e}"))?;
    // Read in order, generate on every core, report in order: the same result as one at a time.
    let read: Vec<(PathBuf, String, Result<String, String>)> = specs
        .into_iter()
        .map(|spec| {
            let name = spec.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let display = format!("{specs_dir}/{name}");
            let text = fs::read_to_string(&spec).map_err(|e| format!("error: cannot read {display}: {e}\n"));
            (spec, display, text)
        })
        .collect();
    let results = crate::parallel::map_largest_first(
        &read,
        |(_, _, text)| text.as_ref().map_or(0, String::len),
        |(spec, display, text)| {
            let text = text.as_ref().map_err(Clone::clone)?;
            // Imports resolve beside the spec, wherever the command runs from.
            let loaded = crate::load_with(display, text, spec.parent());
            match &loaded.capability {
                Some(cap) => generate_crate(cap, options).map_err(|e| format!("error: {display}: {e}\n")),
                None => Err(loaded.render(false) + "\n"),
            }
        },
    );
    let mut crates = Vec::new();
    let mut failures = String::new();
    for result in results {
        match result {
            Ok(c) => crates.push(c),
            Err(e) => failures.push_str(&e),
        }
    }
    if failures.is_empty() { Ok(crates) } else { Err(failures) }
}

/// Writes each crate to `out/<name>/`, removing files of that crate the generator no longer makes.
pub fn write(crates: &[GeneratedCrate], out: &Path) -> std::io::Result<()> {
    for c in crates {
        let dir = out.join(&c.name);
        let wanted: BTreeSet<PathBuf> = c.files.iter().map(|f| f.path.clone()).collect();
        for existing in files_under(&dir) {
            if !wanted.contains(&existing) {
                fs::remove_file(dir.join(&existing))?;
            }
        }
        for f in &c.files {
            let path = dir.join(&f.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            if fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
                fs::write(&path, &f.contents)?;
            }
        }
    }
    Ok(())
}

/// Every difference between the crates and `out/`: changed, missing and extra files, and crate
/// directories with no spec. Empty means `out/` is fresh.
pub fn stale(crates: &[GeneratedCrate], out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for c in crates {
        let dir = out.join(&c.name);
        let wanted: BTreeSet<PathBuf> = c.files.iter().map(|f| f.path.clone()).collect();
        for f in &c.files {
            let shown = Path::new(&c.name).join(&f.path).display().to_string();
            match fs::read_to_string(dir.join(&f.path)) {
                Ok(current) if current == f.contents => {}
                Ok(_) => problems.push(format!("{shown}: differs from what the generator writes")),
                Err(_) => problems.push(format!("{shown}: missing")),
            }
        }
        for extra in files_under(&dir).into_iter().filter(|p| !wanted.contains(p)) {
            problems.push(format!("{}: not written by the generator", Path::new(&c.name).join(extra).display()));
        }
    }
    let names: BTreeSet<&str> = crates.iter().map(|c| c.name.as_str()).collect();
    if let Ok(entries) = fs::read_dir(out) {
        let mut orphans: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter(|n| !names.contains(n.as_str()))
            .map(|n| format!("{n}/: no spec generates this crate"))
            .collect();
        orphans.sort();
        problems.extend(orphans);
    }
    problems
}

/// Files under `dir`, relative to it, sorted; `target/` directories are skipped.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![PathBuf::new()];
    while let Some(rel) = todo.pop() {
        let Ok(entries) = fs::read_dir(dir.join(&rel)) else { continue };
        for e in entries.filter_map(|e| e.ok()) {
            let child = rel.join(e.file_name());
            if e.path().is_dir() {
                if e.file_name() != "target" {
                    todo.push(child);
                }
            } else {
                out.push(child);
            }
        }
    }
    out.sort();
    out
}
