//! Value axes at round numbers: steps of 1, 2 or 5 times a power of ten.

/// The step between ticks for values up to `max`, aiming at about `target` intervals:
/// the smallest 1-2-5 step that needs no more than `target` of them.
pub fn step(max: u64, target: u64) -> u64 {
    let target = target.max(1);
    let mut power = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = power.saturating_mul(factor);
            if max.div_ceil(step) <= target {
                return step;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// Ticks from 0 by `step` up to and including `end` (a multiple of `step`).
pub fn ticks(step: u64, end: u64) -> Vec<u64> {
    (0..=end / step.max(1)).map(|i| i * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(step(41956, 5), 10000);
        assert_eq!(step(38151, 5), 10000);
        assert_eq!(step(1857, 5), 500);
        assert_eq!(step(9, 5), 2);
        assert_eq!(step(100, 5), 20);
        assert_eq!(step(0, 5), 1);
        assert_eq!(step(u64::MAX / 2, 5), 2_000_000_000_000_000_000);
    }

    #[test]
    fn ticks_start_at_zero() {
        assert_eq!(ticks(10000, 50000), [0, 10000, 20000, 30000, 40000, 50000]);
    }
}
