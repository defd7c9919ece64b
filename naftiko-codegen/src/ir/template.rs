//! `{{…}}` placeholders in spec strings and `{x}` variables in paths.

/// A piece of a string with `{{…}}` placeholders.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// The trimmed inside of `{{…}}`.
    Ref(&'a str),
}

/// Splits `text` at `{{…}}` placeholders; an unclosed `{{` is text.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else { break };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Ref(rest[open + 2..open + 2 + close].trim()));
        rest = &rest[open + 2 + close + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Whether a name has the shape of a bind variable (`^[A-Z][A-Z0-9_]*$`).
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The variable a secret reference names: `env.X`, `ns.X` and `X` all name `X`.
pub fn secret_name(reference: &str) -> Option<&str> {
    let var = reference.rsplit('.').next().unwrap_or(reference);
    is_variable_name(var).then_some(var)
}

/// Secret variables referenced by `{{…}}` placeholders in `text`.
pub fn secret_refs(text: &str) -> impl Iterator<Item = &str> {
    pieces(text).into_iter().filter_map(|p| match p {
        Piece::Ref(r) => secret_name(r),
        Piece::Text(_) => None,
    })
}

/// A path segment: literal text or one variable, `{x}` or `{{x}}`.
#[derive(Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    Literal(&'a str),
    Var(&'a str),
    /// A segment mixing text and variables (`file.{ext}`): kept as text plus variables.
    Mixed(Vec<Piece<'a>>),
}

/// Splits a path at `/` into segments (the leading `/` yields no segment).
pub fn path_segments(path: &str) -> Vec<Segment<'_>> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|seg| {
            let pieces = path_pieces(seg);
            match pieces.as_slice() {
                [Piece::Ref(name)] => Segment::Var(name),
                [Piece::Text(text)] => Segment::Literal(text),
                _ => Segment::Mixed(pieces),
            }
        })
        .collect()
}

/// Like [`pieces`], accepting both `{x}` and `{{x}}`.
pub fn path_pieces(seg: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = seg;
    while let Some(open) = rest.find('{') {
        let double = rest[open..].starts_with("{{");
        let inner_start = open + if double { 2 } else { 1 };
        let closer = if double { "}}" } else { "}" };
        let Some(close) = rest[inner_start..].find(closer) else { break };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Ref(rest[inner_start..inner_start + close].trim()));
        rest = &rest[inner_start + close + closer.len()..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert_eq!(pieces("Bearer {{ env.TOKEN }}"), vec![Piece::Text("Bearer "), Piece::Ref("env.TOKEN")]);
        assert_eq!(pieces("{{x}}"), vec![Piece::Ref("x")]);
        assert_eq!(pieces("a {{b"), vec![Piece::Text("a {{b")]);
        assert_eq!(secret_refs("{{env.SCALEWAY_API_KEY}}").collect::<Vec<_>>(), ["SCALEWAY_API_KEY"]);
        assert_eq!(secret_refs("{{tools.zone}}").count(), 0);
    }

    #[test]
    fn paths() {
        assert_eq!(
            path_segments("/zones/{zone}/snapshots/{{snapshot_id}}"),
            vec![Segment::Literal("zones"), Segment::Var("zone"), Segment::Literal("snapshots"), Segment::Var("snapshot_id")]
        );
        assert_eq!(path_segments("files/{name}.json"), vec![Segment::Literal("files"), Segment::Mixed(vec![Piece::Ref("name"), Piece::Text(".json")])]);
    }
}
