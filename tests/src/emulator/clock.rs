//! Timestamps in the two RFC 3339 spellings the APIs use (scaleway-api.md §1.4):
//! Instance writes `2025-09-05T15:47:01.228018+00:00`, Block writes `…721023Z`.

use std::time::{SystemTime, UNIX_EPOCH};

/// Microseconds since the Unix epoch; the APIs print microsecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Timestamp(u64);

impl Timestamp {
    pub(crate) fn now() -> Self {
        let micros = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros())
            .unwrap_or(0);
        Timestamp(u64::try_from(micros).unwrap_or(u64::MAX))
    }

    /// Instance style: `+00:00` offset.
    pub(crate) fn instance(self) -> String {
        format!("{}+00:00", self.base())
    }

    /// Block style: `Z` suffix.
    pub(crate) fn block(self) -> String {
        format!("{}Z", self.base())
    }

    fn base(self) -> String {
        let secs = self.0 / 1_000_000;
        let micros = self.0 % 1_000_000;
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_both_spellings() {
        // 2025-09-05T15:47:01.228018 UTC
        let t = Timestamp(1_757_087_221_228_018);
        assert_eq!(t.instance(), "2025-09-05T15:47:01.228018+00:00");
        assert_eq!(t.block(), "2025-09-05T15:47:01.228018Z");
        assert_eq!(Timestamp(0).block(), "1970-01-01T00:00:00.000000Z");
    }
}
