//! Runs the network validation suite (what `signpost verify` prints):
//! `cargo run --release --example verify`. Exit code 1 if a check fails.

fn main() -> anyhow::Result<std::process::ExitCode> {
    let mut out = std::io::stdout().lock();
    let ok = signpost::network::verify::run_verify(&mut out)?;
    Ok(if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}
