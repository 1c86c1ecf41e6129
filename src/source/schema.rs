//! The files of a report folder as serde reads them: one struct per YAML file and
//! its parts. No logic beyond dropping the figures not filled in yet.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// The texts of a language that are not prose: front matter, annex titles, the names
/// of case categories and the texts of tables and charts. For the source language they
/// come from `report.yaml`, `data/caseload.yaml`, `data/tables.yaml` and
/// `data/charts.yaml`; for a translation from its `labels.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub court: String,
    pub title: String,
    pub occasion: Vec<String>,
    pub speaker: Speaker,
    pub salutation: String,
    pub annexes: Vec<AnnexLabels>,
    pub categories: BTreeMap<String, CategoryLabels>,
    pub tables: BTreeMap<String, TableLabels>,
    #[serde(default)]
    pub charts: BTreeMap<String, ChartLabels>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnexLabels {
    pub label: String,
    pub title: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryLabels {
    pub short: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableLabels {
    pub title: Option<String>,
    pub unit: Option<String>,
    pub caption: Option<String>,
    pub total_label: String,
    /// The labels of the table's rows or columns, in the order of its spec.
    pub labels: Vec<String>,
}

/// The texts of one chart in one language. Category names come from `categories`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartLabels {
    pub title: String,
    pub unit: Option<String>,
    /// One legend entry per year of the chart's `years`, in the same order.
    pub legend: Vec<String>,
    /// Heading of the change labels of a grouped bar chart ("同比").
    pub change: Option<String>,
}

/// `report.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub court: String,
    pub title: String,
    pub year: i32,
    pub languages: Vec<String>,
    pub occasion: Occasion,
    pub speaker: Speaker,
    pub salutation: String,
    pub sections: Vec<String>,
    #[serde(default)]
    pub annexes: Vec<AnnexEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Occasion {
    pub date: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    pub position: String,
    pub name: String,
}

/// One annex as `report.yaml` lists it: a label, a title and exactly one kind of content
/// (tables and charts count as one kind: exhibits from the data).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnexEntry {
    pub label: String,
    pub title: String,
    #[serde(default)]
    pub tables: Vec<String>,
    /// Chart ids from `data/charts.yaml`. A chart stands right after the table of the
    /// same id; a chart no listed table shares its id with follows the tables.
    #[serde(default)]
    pub charts: Vec<String>,
    pub glossary: Option<String>,
    pub cases: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossarySource {
    pub id: String,
    /// In a translation: the hash of the source-language entry it translates.
    pub zh: Option<String>,
    pub term: String,
    pub definition: String,
    pub figure: Option<FigureSource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSource {
    pub id: String,
    /// In a translation: the hash of the source-language entry it translates.
    pub zh: Option<String>,
    pub title: String,
    pub body: String,
    pub figure: Option<FigureSource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureSource {
    pub caption: String,
    pub image: Option<PathBuf>,
    /// The picture is known to be lost: the caption prints alone, without a warning.
    #[serde(default)]
    pub lost: bool,
}

/// `data/caseload.yaml`: raw counts as published. A figure written with no value
/// (`criminal:` after `nianbao new`) is not filled in yet and is absent here;
/// `figures::compute` names each one the report needs.
#[derive(Debug, Clone, Default)]
pub struct Caseload {
    pub categories: Vec<Category>,
    /// Year → category id (and `total`) → count.
    pub received: BTreeMap<i32, BTreeMap<String, u64>>,
    pub closed: BTreeMap<i32, BTreeMap<String, u64>>,
    pub pending: BTreeMap<i32, u64>,
    pub first_instance_acceptance_percent: BTreeMap<i32, f64>,
    pub closed_per_judge: BTreeMap<i32, u64>,
}

/// `data/caseload.yaml` as written: every figure may still be empty.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CaseloadText {
    categories: Vec<Category>,
    received: BTreeMap<i32, Option<BTreeMap<String, Option<u64>>>>,
    closed: BTreeMap<i32, Option<BTreeMap<String, Option<u64>>>>,
    pending: BTreeMap<i32, Option<u64>>,
    first_instance_acceptance_percent: BTreeMap<i32, Option<f64>>,
    closed_per_judge: BTreeMap<i32, Option<u64>>,
}

impl From<CaseloadText> for Caseload {
    /// Drop the figures not filled in yet.
    fn from(text: CaseloadText) -> Caseload {
        fn filled<K: Ord, V>(map: BTreeMap<K, Option<V>>) -> BTreeMap<K, V> {
            map.into_iter().filter_map(|(k, v)| Some((k, v?))).collect()
        }
        let by_year = |map: BTreeMap<i32, Option<BTreeMap<String, Option<u64>>>>| {
            map.into_iter()
                .map(|(year, counts)| (year, filled(counts.unwrap_or_default())))
                .collect()
        };
        Caseload {
            categories: text.categories,
            received: by_year(text.received),
            closed: by_year(text.closed),
            pending: filled(text.pending),
            first_instance_acceptance_percent: filled(text.first_instance_acceptance_percent),
            closed_per_judge: filled(text.closed_per_judge),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub short: String,
    pub name: String,
}

/// One table of `data/tables.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub id: String,
    pub title: Option<String>,
    pub unit: Option<String>,
    pub caption: Option<String>,
    pub layout: TableLayout,
    pub total_label: String,
    #[serde(default)]
    pub rows: Vec<SeriesSpec>,
    #[serde(default)]
    pub columns: Vec<SeriesSpec>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TableLayout {
    CategoriesAsColumns,
    CategoriesAsRows,
}

/// A row or column of a table: either a series of counts or a year-over-year change.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    pub label: String,
    pub series: Option<Series>,
    pub year: Option<YearRef>,
    pub change: Option<Series>,
    pub digits: Option<usize>,
}

/// One chart of `data/charts.yaml`: what it draws; its texts are in [`ChartLabels`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    pub id: String,
    pub kind: ChartKind,
    pub series: Series,
    /// The years drawn, earlier first: `[current]`, or `[previous, current]` to compare.
    pub years: Vec<YearRef>,
    /// Which name of each category labels it: `short` (刑事) or `name` (刑事案件).
    #[serde(default)]
    pub category_label: CategoryLabel,
    /// The categories drawn, by id; all of `data/caseload.yaml` when left out.
    #[serde(default)]
    pub categories: Vec<String>,
    pub title: String,
    pub unit: Option<String>,
    pub legend: Vec<String>,
    pub change: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// One bar per category, for one year.
    Bar,
    /// Two bars per category (one per year), each pair labelled with its change.
    GroupedBar,
    /// Each category's share of the year's total.
    Pie,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CategoryLabel {
    #[default]
    Short,
    Name,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Series {
    Received,
    Closed,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum YearRef {
    Current,
    Previous,
}
