//! The Tera filters of the report's prose (the table is in `figures::format`), and
//! what they notice on the way: a figure written with `rounding="down"` that rounding
//! would print differently.
//!
//! A filter cannot see where in its template it stands, so a truncation is first only
//! counted. To find it, the template is rendered once more with a filter that fails at
//! that call: Tera's error carries the exact span of the call. That second render
//! happens only for a template that truncated something (one section of the sample).

use std::sync::{Arc, Mutex, PoisonError};

use tera::{Kwargs, State, Tera, TeraResult};

use crate::figures::format::{self, Rounding};
use crate::model::Lang;

/// The filters nianbao adds to Tera's own.
pub const OURS: &[&str] = &["count", "percent", "fixed", "wan", "yi", "trend"];

/// Tera's built-in filters, for "did you mean" (Tera does not list them).
pub const BUILT_IN: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
];

/// A figure printed truncated where rounding gives another text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncation {
    pub value: String,
    pub printed: String,
    pub rounded: String,
}

/// What the filters of one Tera instance noticed, shared with their closures.
#[derive(Debug, Clone, Default)]
pub struct Truncations(Arc<Mutex<Log>>);

#[derive(Debug, Default)]
struct Log {
    found: Vec<Truncation>,
    /// Fail at this truncation (0-based, in the order of the render), to locate it.
    fail_at: Option<usize>,
    seen: usize,
}

/// The message a locating render fails with.
const LOCATING: &str = "nianbao: locating a truncation";

impl Truncations {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Truncations found since the last call, in the order they were rendered.
    pub fn take(&self) -> Vec<Truncation> {
        let mut log = self.log();
        log.seen = 0;
        std::mem::take(&mut log.found)
    }

    /// Render `text` again to find where its `index`th truncation stands: the byte range
    /// of the filter call in `text`, when Tera gives one.
    pub fn locate(
        &self,
        tera: &Tera,
        text: &str,
        context: &tera::Context,
        index: usize,
    ) -> Option<std::ops::Range<usize>> {
        {
            let mut log = self.log();
            log.fail_at = Some(index);
            log.seen = 0;
        }
        let result = tera.render_str(text, context, false);
        {
            let mut log = self.log();
            log.fail_at = None;
            log.seen = 0;
            log.found.clear();
        }
        match result.err()?.kind() {
            tera::ErrorKind::RenderingError(report) if report.message().contains(LOCATING) => {
                Some(report.span().range.clone())
            }
            _ => None,
        }
    }

    /// A `rounding="down"` printed `printed`: note it if rounding prints otherwise. Err
    /// when this is the truncation a locating render looks for.
    fn record(&self, value: u64, printed: &str, rounded: &str) -> TeraResult<()> {
        if printed == rounded {
            return Ok(());
        }
        let mut log = self.log();
        let index = log.seen;
        log.seen += 1;
        if log.fail_at == Some(index) {
            return Err(tera::Error::message(LOCATING));
        }
        log.found.push(Truncation {
            value: value.to_string(),
            printed: printed.to_string(),
            rounded: rounded.to_string(),
        });
        Ok(())
    }
}

/// Register the report's filters for a language on a Tera instance; truncations go to
/// `truncations`.
pub fn register(tera: &mut Tera, truncations: &Truncations, lang: Lang) {
    tera.register_filter("count", move |value: u64, _: Kwargs, _: &State| {
        format::count(value, lang)
    });
    tera.register_filter(
        "percent",
        |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            Ok(format::percent(value, digits(&kwargs, 1)?))
        },
    );
    tera.register_filter(
        "fixed",
        |value: f64, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            Ok(format::fixed(value, digits(&kwargs, 0)?))
        },
    );
    tera.register_filter("trend", move |value: f64, _: Kwargs, _: &State| {
        format::trend(value, lang).to_string()
    });
    for (name, power, suffix) in [("wan", 4, "万"), ("yi", 8, "亿")] {
        let truncations = truncations.clone();
        tera.register_filter(name, move |value: u64, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let digits = digits(&kwargs, 2)?;
            let scaled = |rounding| format!("{}{suffix}", format::scaled(value, power, digits, rounding));
            let nearest = scaled(Rounding::Nearest);
            match kwargs.get::<&str>("rounding")? {
                None | Some("nearest") => Ok(nearest),
                Some("down") => {
                    let printed = scaled(Rounding::Down);
                    truncations.record(value, &printed, &nearest)?;
                    Ok(printed)
                }
                Some(other) => Err(tera::Error::message(format!(
                    "rounding=\"{other}\" is not known: write rounding=\"nearest\" or rounding=\"down\""
                ))),
            }
        });
    }
}

fn digits(kwargs: &Kwargs, default: usize) -> TeraResult<usize> {
    Ok(kwargs.get::<usize>("digits")?.unwrap_or(default))
}

/// The known filter closest in spelling to `name`, if one is close enough to be meant.
pub fn closest(name: &str) -> Option<&'static str> {
    OURS.iter()
        .chain(BUILT_IN)
        .map(|&known| (strsim::damerau_levenshtein(name, known), known))
        .filter(|&(d, known)| d <= known.chars().count().div_ceil(3).max(1))
        .min()
        .map(|(_, known)| known)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(truncations: &Truncations) -> Tera {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        register(&mut tera, truncations, Lang::Zh);
        tera
    }

    #[test]
    fn a_truncation_is_found_at_its_filter_call() {
        let truncations = Truncations::default();
        let tera = tera(&truncations);
        let mut context = tera::Context::new();
        context.insert("a", &41956);
        context.insert("b", &19489);
        let text = "{{ b | wan(rounding=\"down\") }}，{% for i in [1] %}{{ a | wan(rounding=\"down\") }}{% endfor %}";
        assert_eq!(
            tera.render_str(text, &context, false).unwrap(),
            "1.94万，4.19万"
        );
        let found = truncations.take();
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].rounded, "4.20万");
        let at = truncations.locate(&tera, text, &context, 1).unwrap();
        assert!(text[at.clone()].contains("wan"), "{:?}", &text[at]);
        assert!(at.start > text.find("for").unwrap());
    }

    #[test]
    fn unknown_filters_get_the_closest_known_name() {
        assert_eq!(closest("precent"), Some("percent"));
        assert_eq!(closest("abss"), Some("abs"));
        assert_eq!(closest("wna"), Some("wan"));
        assert_eq!(closest("frobnicate"), None);
    }
}
