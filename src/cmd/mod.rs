//! One file per command; each is short and calls the library.

pub mod build;
pub mod check;
pub mod export;
pub mod init;
pub mod new;
pub mod serve;
pub mod translations;

use std::io::Write;

use crate::diag::Diagnostic;

/// The process exit codes, as the design gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// Content errors or broken links.
    Content = 1,
    /// Usage or configuration errors.
    Usage = 2,
}

/// Prints diagnostics to stderr, with colour when stderr is a terminal and NO_COLOR is unset.
pub(crate) fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = anstream::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}\n", d.render());
    }
}

/// `text` as a YAML double-quoted string, for the files `init` and `new` write.
pub(crate) fn yaml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// "2 errors, 1 warning".
pub(crate) fn count_summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}
