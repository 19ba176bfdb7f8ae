//! The `confide` binary: everything happens in the library; this maps the result to an
//! exit code.

/// A faster allocator for the many small records a report reads (docs/PERFORMANCE.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(confide::run());
}
