//! The `signpost` command. All the work is in the library; this only maps
//! the outcome to an exit code (0 ok, 1 failure, 2 bad input, 130 interrupted).

use std::process::ExitCode;

fn main() -> ExitCode {
    fix_mmap_threshold();
    ExitCode::from(signpost::cli::main_with_args(std::env::args_os()))
}

/// Blocks of at least this many bytes get their own mapping from glibc's
/// `malloc`, returned to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD_BYTES: libc::c_int = 4 << 20;

/// Holds glibc's `malloc` to a fixed [`MMAP_THRESHOLD_BYTES`] (issue #12).
///
/// By default glibc raises the threshold to the size of each mapped block
/// freed, up to 32 MiB. Once a replication's first multi-megabyte block
/// (its arrival plan, 5 MB on the default) is freed, every later one comes
/// from the heap instead, and the pages of blocks freed there stay
/// resident among the long-lived ones: peak memory then crept up with the
/// replications (151.4 MB for 1,000 of the default against a median of
/// 119.8 MB for 10). Fixed, such blocks are mapped and unmapped whole. The
/// largest blocks of all, the arms' episode arenas, are not freed between
/// arms but passed on ([`signpost::model::ArenaPool`]), so the setting
/// costs a page fault per page of the few blocks left above it.
///
/// The library leaves the allocator alone: this is a choice for the
/// command's process, and a no-op off glibc.
fn fix_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes a malloc parameter; it is called
    // before any thread exists, and a refused setting (return 0) leaves
    // the default in place, which is still correct.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    }
}
