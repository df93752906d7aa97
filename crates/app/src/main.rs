use clap::Parser;

fn main() -> std::process::ExitCode {
    app::cli::main(app::cli::Cli::parse())
}
