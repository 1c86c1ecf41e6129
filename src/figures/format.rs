//! Number formats of the report; `resolve::filters` exposes them to prose as these
//! Tera filters:
//!
//! | filter | input | output |
//! | --- | --- | --- |
//! | (none) | 100344 | `100344` |
//! | `count` | 100344 | `100344` (Chinese), `100,344` (English) |
//! | `percent(digits=1)` | ratio 0.10198 | `10.2%` |
//! | `fixed(digits=1)` | 5.508 | `5.5` |
//! | `wan(digits=2)` | 19489 | `1.95万` (`rounding="down"`: truncate) |
//! | `yi(digits=2)` | 265900000000 | `2659.00亿` |
//! | `trend` | signed number | `上升`, `下降` or `持平`; `up`, `down` or `unchanged` |

use crate::model::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    Nearest,
    Down,
}

/// A ratio as a percentage: `percent(0.10198, 1)` is `10.2%`.
pub fn percent(ratio: f64, digits: usize) -> String {
    format!("{}%", fixed(ratio * 100.0, digits))
}

/// A number with a fixed count of decimals, never `-0.0`.
pub fn fixed(value: f64, digits: usize) -> String {
    let text = format!("{value:.digits$}");
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text[1..].to_string()
    } else {
        text
    }
}

/// A count in units of 10^`power` with `digits` decimals, computed in integers so that
/// 41956 truncated to two decimals of 万 is exactly 4.19.
pub fn scaled(value: u64, power: u32, digits: usize, rounding: Rounding) -> String {
    let unit = 10u128.pow(power);
    let scale = 10u128.pow(digits as u32);
    let numerator = u128::from(value) * scale;
    let units = match rounding {
        Rounding::Nearest => (numerator + unit / 2) / unit,
        Rounding::Down => numerator / unit,
    };
    if digits == 0 {
        units.to_string()
    } else {
        format!("{}.{:0digits$}", units / scale, units % scale)
    }
}

/// 万 (10^4) scaling: `wan(19489, 2, Nearest)` is `1.95万`.
pub fn wan(value: u64, digits: usize, rounding: Rounding) -> String {
    format!("{}万", scaled(value, 4, digits, rounding))
}

/// 亿 (10^8) scaling.
pub fn yi(value: u64, digits: usize, rounding: Rounding) -> String {
    format!("{}亿", scaled(value, 8, digits, rounding))
}

/// The word for a change's direction.
pub fn trend(change: f64, lang: Lang) -> &'static str {
    let words = match lang {
        Lang::Zh => ["上升", "下降", "持平"],
        Lang::En => ["up", "down", "unchanged"],
    };
    if change > 0.0 {
        words[0]
    } else if change < 0.0 {
        words[1]
    } else {
        words[2]
    }
}

/// A count as the language writes it: `100344` in Chinese, `100,344` in English.
pub fn count(value: u64, lang: Lang) -> String {
    let digits = value.to_string();
    match lang {
        Lang::Zh => digits,
        Lang::En => {
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_at_a_chosen_precision() {
        assert_eq!(percent(433.0 / 1337.0, 2), "32.39%");
        assert_eq!(percent(-0.23462, 2), "-23.46%");
        assert_eq!(percent(9286.0 / 91058.0, 2), "10.20%");
        assert_eq!(percent(9286.0 / 91058.0, 1), "10.2%");
        assert_eq!(percent(-0.00001, 1), "0.0%");
    }

    #[test]
    fn wan_and_yi_scaling() {
        assert_eq!(wan(19489, 2, Rounding::Nearest), "1.95万");
        assert_eq!(wan(38291, 2, Rounding::Nearest), "3.83万");
        assert_eq!(wan(41956, 2, Rounding::Nearest), "4.20万");
        assert_eq!(wan(41956, 2, Rounding::Down), "4.19万");
        assert_eq!(yi(7_258_000_000, 2, Rounding::Nearest), "72.58亿");
        assert_eq!(wan(5, 0, Rounding::Nearest), "0万");
    }

    #[test]
    fn trend_follows_the_sign() {
        assert_eq!(trend(0.1, Lang::Zh), "上升");
        assert_eq!(trend(-0.1, Lang::Zh), "下降");
        assert_eq!(trend(0.0, Lang::Zh), "持平");
        assert_eq!(trend(-0.1, Lang::En), "down");
    }

    #[test]
    fn counts_are_grouped_in_english_only() {
        assert_eq!(count(100344, Lang::Zh), "100344");
        assert_eq!(count(100344, Lang::En), "100,344");
        assert_eq!(count(1857, Lang::En), "1,857");
        assert_eq!(count(486, Lang::En), "486");
    }
}
