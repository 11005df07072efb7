//! The `unphish` command. A thin shell over the `unphish` library: argument parsing, input
//! discovery, parallelism, output and exit codes.

mod analyze;
mod campaigns;
mod eval;
mod inputs;
mod triage;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// unphish dissects suspicious e-mail the way an analyst does by hand: where it really came from,
/// who it pretends to be, where its links lead, and why it is (or is not) a fraud. Offline.
#[derive(Parser, Debug)]
#[command(name = "unphish", version, about, long_about = None)]
#[command(
    after_help = "Exit status:\n  0  every input was analysed (whatever the verdicts)\n  1  --fail-on was given and a message reached that level\n  2  usage error, or an input could not be read\n\nA closed output pipe (unphish ... | head) is not an error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse messages (.eml files, folders of them, or - for standard input) and report.
    Analyze(analyze::AnalyzeArgs),
    /// Measure detection on labelled folders (--phish DIR, --ham DIR) and check the floor.
    Eval(eval::EvalArgs),
    /// Triage a whole mailbox (mbox, Maildir, .eml folder, -) into campaigns, new ones first.
    Triage(triage::TriageArgs),
    /// List the campaigns the triage store remembers, or `show ID` one with its members.
    Campaigns(campaigns::CampaignsArgs),
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Triage(args) => triage::run(args),
        Command::Campaigns(args) => campaigns::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("unphish: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Turns transparent huge pages off for this process. mimalloc asks the kernel for huge pages
/// and gives freed memory back in 64 KiB pieces a second later; touched again, such memory is
/// faulted in and zeroed 2 MiB at a time. Triage allocates on one thread and frees on another,
/// so it kept a core busy zeroing pages: 12-14 % of a one-core triage run went to the kernel's
/// `clear_page` (perf), 0.4 % with huge pages off, and peak memory fell from ~100 to ~70 MB.
/// The flag is checked at fault time, so it holds for memory reserved before `main` too.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours; a kernel
    // without it returns an error, which changes nothing but speed.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// A reader that went away (`| head`) ends the run quietly.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
