//! Source files and byte spans: every diagnostic points into a file held here.

use serde::Serialize;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end: end.max(start) }
    }
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// One loaded file: its display name, text and line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (shown in diagnostics).
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (column counted in characters, as editors do).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile { name: name.into(), text, line_starts }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.line_starts[line];
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        LineCol { line: line + 1, column }
    }

    /// Byte offset of a 1-based line and 0-based character column (what the YAML parser reports).
    pub fn offset_of(&self, line: usize, char_col: usize) -> usize {
        let index = line.saturating_sub(1);
        let Some(&start) = self.line_starts.get(index) else {
            return self.text.len();
        };
        // The line without its `\n`, which ends one byte before the next line starts.
        let end = self.line_starts.get(index + 1).map_or(self.text.len(), |&next| next - 1);
        let line_text = &self.text[start..end];
        // Up to the column in ASCII (the usual case): one byte per character.
        let prefix = &line_text.as_bytes()[..char_col.min(line_text.len())];
        if prefix.is_ascii() {
            return start + prefix.len();
        }
        start + line_text.char_indices().nth(char_col).map_or(line_text.len(), |(i, _)| i)
    }
}

/// Every file a compilation read: the spec and anything it imports.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}
