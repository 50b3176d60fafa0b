//! Heap set-up for short runs: the pre-commit case of a few named files.
//!
//! A one-file check touches about 5 MB of fresh heap (the rules, the literal
//! table, the automata it builds). With 4 KB pages that is more than a
//! thousand page faults, and on a virtual machine they were a third of the
//! run's time. For such runs, glibc's main heap is grown by 16 MB at once
//! and the kernel is asked to back it with transparent huge pages (2 MB),
//! so those faults become a handful. perf stat, one 5 KB page, 40 runs:
//! 1,220 -> 663 faults, 9.7 -> 7.7 ms.
//!
//! Large runs do not do this: their peak memory has a target (64 MB on the
//! 10,000-page corpus) and huge pages round it up (59.7 -> 63.1 MB there).
//! Where transparent huge pages are off, the advice changes nothing; on other
//! platforms and C libraries this is a no-op.

/// At most this many named files count as a short run.
const SHORT_RUN_FILES: usize = 64;

/// True when `paths` name a short run: at most [`SHORT_RUN_FILES`] entries,
/// each standard input (`-`) or a regular file (a folder may hold any number).
pub fn is_short_run(paths: &[std::path::PathBuf]) -> bool {
    !paths.is_empty()
        && paths.len() <= SHORT_RUN_FILES
        && paths
            .iter()
            .all(|p| p.as_os_str() == "-" || std::fs::metadata(p).is_ok_and(|m| m.is_file()))
}

/// Grows the main heap ahead and advises huge pages for it (see the module
/// documentation). Call it early, before the rules load; calling it again
/// does no harm.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn prepare_for_short_run() {
    use std::ffi::{c_int, c_void};
    unsafe extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
        fn sbrk(increment: isize) -> *mut c_void;
        fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
        fn malloc(size: usize) -> *mut c_void;
        fn free(ptr: *mut c_void);
    }
    /// glibc's `M_TOP_PAD`: how much more than asked the heap grows by.
    const M_TOP_PAD: c_int = -2;
    const MADV_HUGEPAGE: c_int = 14;
    const PAD: usize = 16 << 20;
    const HUGE_PAGE: usize = 2 << 20;
    /// Blocks small enough to come from the heap, not from their own mapping.
    const BLOCK: usize = 64 << 10;
    // SAFETY: these are the C library's documented entry points, called as
    // documented. `sbrk(0)` only reads the program break. Every block from
    // `malloc` is freed once, and a null one is skipped. `madvise` is given
    // whole huge pages inside the heap grown here (between the break before
    // and after), and MADV_HUGEPAGE only changes how the kernel backs them.
    unsafe {
        if mallopt(M_TOP_PAD, PAD as c_int) == 0 {
            return;
        }
        let before = sbrk(0) as usize;
        // glibc grows the heap when its free top runs out, by the request plus
        // the pad: take blocks until that happens (the top holds a few).
        let mut blocks = [std::ptr::null_mut(); 32];
        for block in blocks.iter_mut() {
            *block = malloc(BLOCK);
            if block.is_null() || sbrk(0) as usize != before {
                break;
            }
        }
        let after = sbrk(0) as usize;
        for block in blocks {
            if !block.is_null() {
                free(block);
            }
        }
        let start = before.next_multiple_of(HUGE_PAGE);
        if after > start {
            let len = (after - start) / HUGE_PAGE * HUGE_PAGE;
            if len > 0 {
                madvise(start as *mut c_void, len, MADV_HUGEPAGE);
            }
        }
    }
}

/// Gives back the pages of read-only data built into the binary (`data`:
/// byte slices of it), keeping its contents: only whole pages inside each
/// slice are advised away, and the next read of one reads it again from the
/// binary. A long run reads the bundled packs and prebuilt NFAs while it
/// builds its rules and regexes, and little after; without this those pages
/// stay counted in its memory to the end.
#[cfg(target_os = "linux")]
pub fn release_read_only(data: impl Iterator<Item = &'static [u8]>) {
    use std::ffi::{c_int, c_void};
    unsafe extern "C" {
        fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int;
    }
    const MADV_DONTNEED: c_int = 4;
    const PAGE: usize = 4096;
    for bytes in data {
        let start = (bytes.as_ptr() as usize).next_multiple_of(PAGE);
        let end = (bytes.as_ptr() as usize + bytes.len()) / PAGE * PAGE;
        if end > start {
            // SAFETY: [start, end) is whole pages inside `bytes`, which is
            // static data the program never writes (built into the binary's
            // read-only segment). For such file-backed pages MADV_DONTNEED
            // only drops the mapping's copy: a later read faults the same
            // bytes back in from the file. A failure changes nothing.
            unsafe {
                madvise(start as *mut c_void, end - start, MADV_DONTNEED);
            }
        }
    }
}

/// See the Linux version: elsewhere nothing is given back.
#[cfg(not(target_os = "linux"))]
pub fn release_read_only(_data: impl Iterator<Item = &'static [u8]>) {}

/// See the Linux version: elsewhere there is nothing to set up.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn prepare_for_short_run() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_runs_are_a_few_named_files() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("page.md");
        std::fs::write(&file, "Hello").expect("writable");
        assert!(is_short_run(std::slice::from_ref(&file)));
        assert!(is_short_run(&[file.clone(), "-".into()]));
        assert!(!is_short_run(&[]), "no paths: the current folder");
        assert!(!is_short_run(&[dir.path().to_path_buf()]), "a folder");
        assert!(!is_short_run(&[dir.path().join("missing.md")]));
        assert!(!is_short_run(&vec![file; SHORT_RUN_FILES + 1]));
    }

    /// The bundled data reads the same after its pages are given back, and
    /// the rules still build from it.
    #[test]
    fn released_data_reads_back_the_same() {
        let digest = || {
            crate::rules::build_time_data().fold((0usize, 0u64), |(n, sum), bytes| {
                let s = bytes.iter().fold(sum, |h, &b| {
                    (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
                (n + bytes.len(), s)
            })
        };
        let before = digest();
        assert!(before.0 > 1 << 20, "the bundled data is megabytes");
        release_read_only(crate::rules::build_time_data());
        assert_eq!(digest(), before);
        release_read_only(crate::rules::build_time_data());
        // Everything built from it after that (packs, literal table, prebuilt
        // NFAs) still behaves: every bundled example passes.
        let rules = crate::rules::load(&crate::rules::PackSelection {
            default_rules: true,
            packs: vec!["all".to_string()],
            extra: Vec::new(),
            jurisdiction: crate::rules::Jurisdiction::Us,
            examples: true,
        })
        .expect("bundled packs load");
        let today = crate::date::Date::new(2026, 11, 27).expect("a date");
        let (checked, failures) = crate::examples::run(rules, crate::engine::Settings::new(today));
        assert!(checked > 1000, "{checked} examples");
        assert!(failures.is_empty(), "{failures:?}");
    }

    #[test]
    fn the_heap_works_after_set_up() {
        prepare_for_short_run();
        prepare_for_short_run();
        let big: Vec<u64> = (0..1_000_000).collect();
        let small: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
        assert_eq!(big.iter().sum::<u64>(), 499_999_500_000);
        assert_eq!(small[9_999], "9999");
    }
}
