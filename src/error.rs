//! Errors that stop a run (exit status 2): bad rule packs, bad config,
//! unreadable inputs, bad arguments. Each carries the file and, where there
//! is one, the span inside it, so the binary can render it with miette.

use std::path::PathBuf;

use miette::{NamedSource, SourceSpan};

/// A problem at a place in a file the user wrote (a rule pack or a config).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{path}:{line}:{column}: {message}")]
pub struct FileError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl FileError {
    /// Builds an error pointing at byte `offset` (length `len`) of `text`.
    pub fn at(
        path: &str,
        text: &str,
        offset: usize,
        len: usize,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> FileError {
        let offset = crate::diagnostic::floor_char_boundary(text, offset);
        let len = len.min(text.len() - offset);
        let pos = crate::diagnostic::LineIndex::new(text).position(offset);
        FileError {
            path: path.to_string(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            src: NamedSource::new(path, text.to_string()),
            span: (offset, len).into(),
            label: label.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> FileError {
        self.help = Some(help.into());
        self
    }

    /// Converts a YAML parse error, which knows its own position.
    pub fn from_yaml(path: &str, text: &str, err: &serde_yaml::Error) -> FileError {
        let offset = err.location().map_or(0, |l| l.index());
        let message = err.to_string();
        // yaml_serde appends " at line L column C"; the position is shown separately.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        FileError::at(path, text, offset, 1, message, "here")
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    File(Box<FileError>),

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{0}")]
    Usage(String),
}

impl From<FileError> for Error {
    fn from(e: FileError) -> Error {
        Error::File(Box::new(e))
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
