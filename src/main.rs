//! The `warrant` command: parses arguments and hands over to the library.

mod cli;
mod lsp;

fn main() -> std::process::ExitCode {
    cli::main()
}
