//! Latency figures the PostgreSQL benches print alike: a number from the
//! environment, percentiles of a sorted list, and one summary line a list.

use std::time::Duration;

/// `name` from the environment as a number, else `default`.
pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p` quantile of `sorted` (nearest rank; zero when empty).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Sorts `list`, prints its count, p50, p99 and max after `name` padded to
/// `width`; returns p50 and p99.
pub fn summary(name: &str, width: usize, list: &mut [Duration]) -> (Duration, Duration) {
    list.sort();
    let (p50, p99) = (percentile(list, 0.5), percentile(list, 0.99));
    println!(
        "  {name:<width$} n={:<6} p50 {:>8.3} ms  p99 {:>8.3} ms  max {:>8.3} ms",
        list.len(),
        ms(p50),
        ms(p99),
        ms(list.last().copied().unwrap_or_default())
    );
    (p50, p99)
}
