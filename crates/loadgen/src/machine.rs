//! What the report says about the machine: CPUs, load, and how long an
//! fsync takes on the disk holding the store (durable commits wait for it).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// Facts about the machine a run happened on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    /// Logical CPUs available to this process.
    pub cpus: usize,
    /// CPU model name from /proc/cpuinfo.
    pub cpu_model: Option<String>,
    /// Kernel release.
    pub kernel: Option<String>,
    /// 1, 5 and 15 minute load averages when the run started.
    pub loadavg_start: Option<String>,
    /// The same when the run ended.
    pub loadavg_end: Option<String>,
}

impl Machine {
    /// Reads what Linux tells; other systems get the CPU count only.
    pub fn probe() -> Machine {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        });
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            kernel: read_trimmed("/proc/sys/kernel/osrelease"),
            loadavg_start: loadavg(),
            loadavg_end: None,
        }
    }
}

/// The three load averages from /proc/loadavg.
pub fn loadavg() -> Option<String> {
    read_trimmed("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
}

/// Latency of appending 4 KiB to a file and fdatasync-ing it, as a WAL
/// commit does.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FsyncProbe {
    pub samples: usize,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

/// Appends-and-syncs `samples` times in a scratch file under `dir`.
pub fn fsync_probe(dir: &Path, samples: usize) -> std::io::Result<FsyncProbe> {
    let samples = samples.max(1);
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path)?;
    let block = [0x5au8; 4096];
    let mut us = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        file.write_all(&block)?;
        file.sync_data()?;
        us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    drop(file);
    std::fs::remove_file(&path)?;
    us.sort_by(f64::total_cmp);
    let at = |q: f64| us[((us.len() as f64 * q).ceil() as usize).clamp(1, us.len()) - 1];
    Ok(FsyncProbe {
        samples,
        p50_us: at(0.50),
        p99_us: at(0.99),
        max_us: at(1.0),
    })
}
