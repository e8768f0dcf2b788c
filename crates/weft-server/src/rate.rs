//! A token bucket: the message rate limit of one connection.

use std::time::Duration;

use tokio::time::Instant;

/// Allows `per_second` messages per second on average and bursts of `burst`. A message that
/// comes too early is not refused: the caller waits the returned delay before reading on,
/// which slows the sender down through TCP's flow control. With 10 per second and a burst
/// of 3, three messages at once pass, the fourth waits 100 ms (see the tests).
#[derive(Clone, Debug)]
pub(crate) struct TokenBucket {
    per_second: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket. `per_second == 0` means no limit.
    pub(crate) fn new(per_second: u32, burst: u32, now: Instant) -> Self {
        let capacity = f64::from(burst.max(1));
        Self {
            per_second: f64::from(per_second),
            capacity,
            tokens: capacity,
            last: now,
        }
    }

    /// Takes a token for one message; returns how long to wait before handling it.
    pub(crate) fn take(&mut self, now: Instant) -> Duration {
        if self.per_second == 0.0 {
            return Duration::ZERO;
        }
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity) - 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.per_second)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_paces() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(10, 3, start);
        for _ in 0..3 {
            assert_eq!(bucket.take(start), Duration::ZERO);
        }
        let wait = bucket.take(start);
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9, "{wait:?}");
        // After waiting, the debt is paid and the next message waits one interval more.
        let later = start + Duration::from_millis(100);
        let wait = bucket.take(later);
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9, "{wait:?}");
        // A long pause refills the bucket up to the burst, no further.
        let much_later = later + Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(bucket.take(much_later), Duration::ZERO);
        }
        assert!(bucket.take(much_later) > Duration::ZERO);
    }

    #[test]
    fn zero_means_unlimited() {
        let now = Instant::now();
        let mut bucket = TokenBucket::new(0, 1, now);
        for _ in 0..1000 {
            assert_eq!(bucket.take(now), Duration::ZERO);
        }
    }
}
