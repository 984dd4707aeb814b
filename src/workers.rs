//! The threads that do the pipeline's CPU-bound work: parsing, cleaning,
//! analysing entries and the matcher's read-ahead, one feed's step per job.
//!
//! They run at a lower priority (nice +10 on Linux) than the rest of the
//! daemon, because the writer is the one serial stage of ingestion: every
//! time one of these preempted the thread holding the writer, all feeds
//! waited. Measured at 300 × 50 on two busy cores, the writer was on a CPU
//! for 7 of the 27–38 ms it held the lock, preempted 6–18 times a feed. At
//! nice +10 a worker gets about a tenth of a CPU the writer wants, and all
//! of any CPU nothing else wants. They must never run the writer's
//! transaction, or anything a feed's commit waits for while holding it.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

/// How much nicer the workers are than the thread that starts them (nice
/// values run from -20 to 19, the lowest priority; 0 is the default).
const WORKER_NICENESS: i32 = 10;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of low-priority threads taking jobs in order.
#[derive(Debug)]
pub struct Workers {
    jobs: mpsc::Sender<Job>,
}

/// A job that panicked (the message, as the panic gave it), or workers that
/// are gone.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Crashed(String);

impl Workers {
    /// Starts `threads` workers (at least one). They stop when the last
    /// handle is dropped and their queue is empty.
    pub fn new(threads: usize) -> std::io::Result<Workers> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("feedsieve-work-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // Idle workers wait on the lock, the one holding it on
                        // the queue: a job goes to exactly one of them.
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match next {
                            Ok(job) => job(),
                            Err(mpsc::RecvError) => return,
                        }
                    }
                })?;
        }
        Ok(Workers { jobs })
    }

    /// Runs `work` on a worker and waits for it without holding a runtime
    /// thread. A panic in `work` (a dependency choking on a hostile feed)
    /// is caught and returned: it costs that feed's step, nothing else.
    pub async fn run<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, Crashed> {
        let (done, outcome) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(work))
                .map_err(|panic| Crashed(panic_message(panic.as_ref())));
            // The caller may have stopped waiting (its task was cancelled).
            let _ = done.send(result);
        });
        self.jobs
            .send(job)
            .map_err(|_| Crashed("the worker threads have stopped".into()))?;
        outcome
            .await
            .map_err(|_| Crashed("a worker thread stopped during the job".into()))?
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    format!("panicked: {message}")
}

/// Lowers the calling thread's priority by [`WORKER_NICENESS`]. Best
/// effort: a system that refuses leaves the worker at the daemon's own.
#[cfg(target_os = "linux")]
fn lower_priority() {
    let thread = thread_id();
    // SAFETY: getpriority and setpriority take plain integers and touch no
    // memory of ours. On Linux a nice value belongs to a thread, and
    // PRIO_PROCESS with a thread id reads or sets that thread's alone.
    let result = unsafe {
        let own = libc::getpriority(libc::PRIO_PROCESS, thread);
        libc::setpriority(libc::PRIO_PROCESS, thread, (own + WORKER_NICENESS).min(19))
    };
    if result != 0 {
        tracing::debug!(
            error = %std::io::Error::last_os_error(),
            "worker thread keeps the daemon's priority"
        );
    }
}

#[cfg(target_os = "linux")]
fn thread_id() -> libc::id_t {
    // SAFETY: gettid has no arguments and cannot fail.
    let id = unsafe { libc::gettid() };
    libc::id_t::try_from(id).unwrap_or(0)
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_jobs_and_returns_their_results() {
        let workers = Workers::new(2).unwrap();
        let results = futures_util::future::join_all((0..8u64).map(|i| workers.run(move || i * i)));
        let squares: Vec<u64> = results.await.into_iter().map(Result::unwrap).collect();
        assert_eq!(squares, vec![0, 1, 4, 9, 16, 25, 36, 49]);
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_worker_goes_on() {
        let workers = Workers::new(1).unwrap();
        let crashed = workers
            .run(|| -> u8 { panic!("hostile input") })
            .await
            .unwrap_err();
        assert!(crashed.to_string().contains("hostile input"), "{crashed}");
        // The one worker survived its job's panic.
        assert_eq!(workers.run(|| 7).await.unwrap(), 7);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn workers_run_below_the_daemons_priority() {
        fn nice() -> i32 {
            // SAFETY: as in lower_priority; reads the calling thread's value.
            unsafe { libc::getpriority(libc::PRIO_PROCESS, thread_id()) }
        }
        // Workers start from the priority of the thread that made them.
        let own = nice();
        let workers = Workers::new(1).unwrap();
        let worker = workers.run(nice).await.unwrap();
        assert_eq!(worker, (own + WORKER_NICENESS).min(19), "own {own}");
        assert!(worker > own || own == 19, "own {own}, worker {worker}");
    }
}
