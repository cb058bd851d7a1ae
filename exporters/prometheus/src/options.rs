//! See [`ExpositionOptions`] for details.

use census_sdk::{Aggregation, View};

use crate::error::ConfigError;
use crate::naming::{
    is_reserved_label_name, is_valid_label_name, is_valid_metric_name, sanitize, sanitize_into,
    MetricType, BUCKET_LABEL,
};

/// What the exposition looks like: namespace, constant labels and compatibility switches.
///
/// The defaults give OpenCensus Go's output. Every setter validates its input, so an invalid
/// namespace is an error here rather than, as in Go, an exporter that silently exports nothing.
///
/// ```
/// use census_prometheus::{ConfigError, ExpositionOptions};
/// let opts = ExpositionOptions::new()
///     .with_namespace("myapp")?
///     .with_const_label("service", "checkout")?;
/// assert_eq!(opts.namespace(), "myapp");
/// assert_eq!(opts.const_labels(), [("service".to_string(), "checkout".to_string())]);
/// assert!(matches!(
///     ExpositionOptions::new().with_namespace("my.app"),
///     Err(ConfigError::InvalidNamespace { .. })
/// ));
/// # Ok::<(), ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpositionOptions {
    namespace: String,
    /// Sorted by name, names unique.
    const_labels: Vec<(String, String)>,
    counter_total_suffix: bool,
    sum_as_untyped: bool,
    /// Sorted, unique.
    reserved_labels: Vec<String>,
    python_numbers: bool,
    /// Per view name: the bounds the Python source wrote as ints.
    python_int_bounds: Vec<(String, Vec<i64>)>,
}

impl ExpositionOptions {
    /// OpenCensus Go's defaults: no namespace, no constant labels, no compatibility switch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Prefixes every metric name with `namespace` and `_` (nothing for `""`).
    ///
    /// Unlike OpenCensus Python, the namespace is used verbatim, not sanitised: it must already
    /// be a valid metric name.
    ///
    /// # Errors
    /// [`ConfigError::InvalidNamespace`] unless `namespace` is empty or matches
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    pub fn with_namespace(mut self, namespace: &str) -> Result<Self, ConfigError> {
        if !namespace.is_empty() && !is_valid_metric_name(namespace) {
            return Err(ConfigError::InvalidNamespace {
                namespace: namespace.into(),
            });
        }
        self.namespace = namespace.into();
        Ok(self)
    }

    /// Adds a label with a fixed value to every series (OpenCensus Go's `ConstLabels`). The
    /// value may be any string; it is escaped on output.
    ///
    /// # Errors
    /// [`ConfigError::InvalidLabelName`] for a name outside `[a-zA-Z_][a-zA-Z0-9_]*`,
    /// [`ConfigError::ReservedLabelName`] for `le` or a name starting with `__`,
    /// [`ConfigError::DuplicateConstLabel`] when `name` is already set.
    pub fn with_const_label(mut self, name: &str, value: &str) -> Result<Self, ConfigError> {
        if !is_valid_label_name(name) {
            return Err(ConfigError::InvalidLabelName { name: name.into() });
        }
        if is_reserved_label_name(name) || name == BUCKET_LABEL {
            return Err(ConfigError::ReservedLabelName { name: name.into() });
        }
        match self
            .const_labels
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
        {
            Ok(i) => Err(ConfigError::DuplicateConstLabel {
                name: name.into(),
                first: self.const_labels[i].1.clone(),
                second: value.into(),
            }),
            Err(i) => {
                self.const_labels.insert(i, (name.into(), value.into()));
                Ok(self)
            }
        }
    }

    /// OpenCensus Python compatibility: appends `_total` to the name of every counter family
    /// (HELP, TYPE and samples), unless the name already ends with `_total`, as
    /// `prometheus_client` does. Off by default (Go).
    pub fn with_counter_total_suffix(mut self, on: bool) -> Self {
        self.counter_total_suffix = on;
        self
    }

    /// OpenCensus Python compatibility: exports Sum views as `untyped` instead of `counter`
    /// (as OpenCensus Python and OpenCensus Go ≤ 0.19 did); untyped families never get a
    /// `_total` suffix. Off by default (Go).
    pub fn with_sum_as_untyped(mut self, on: bool) -> Self {
        self.sum_as_untyped = on;
        self
    }

    /// Both OpenCensus Python switches: [`Self::with_counter_total_suffix`] and
    /// [`Self::with_sum_as_untyped`], so series keep the names a Python app exposed.
    ///
    /// ```
    /// use census_prometheus::ExpositionOptions;
    /// let py = ExpositionOptions::new().with_python_compat();
    /// assert!(py.counter_total_suffix() && py.sum_as_untyped());
    /// ```
    pub fn with_python_compat(self) -> Self {
        self.with_counter_total_suffix(true)
            .with_sum_as_untyped(true)
    }

    /// OpenCensus Python's sample lines in text 0.0.4 (opencensus-ext-prometheus 0.2.1 on
    /// `prometheus_client`): values as Python floats (`4.0`, `30.299999999999997`,
    /// `1.6777216e+07`), `le` as the Python source wrote the bound (`25.0` by default, `10` for
    /// the ints named by [`Self::with_python_bounds`]), every label (`le` too) sorted by name,
    /// `_count` before `_sum`. With [`Self::with_python_compat`], a Python app's sample lines
    /// stay byte for byte what they were, so its series keep their identity. HELP and TYPE stay
    /// once per family (Python repeated them per series, which strict parsers reject);
    /// OpenMetrics and protobuf are unaffected. Off by default (Go).
    ///
    /// ```
    /// use census_prometheus::ExpositionOptions;
    /// let py = ExpositionOptions::new().with_python_compat().with_python_numbers(true);
    /// assert!(py.python_numbers());
    /// ```
    pub fn with_python_numbers(mut self, on: bool) -> Self {
        self.python_numbers = on;
        self
    }

    /// Which of view `view`'s bounds the Python source wrote as ints, given as that source's
    /// list literal, e.g. `"[0, 10, 25.0, 100]"`: `10` and `100` then get `le="10"` and
    /// `le="100"`, `25.0` gets `le="25.0"` (the default for every bound of other views). Only
    /// with [`Self::with_python_numbers`].
    ///
    /// ```
    /// use census_prometheus::ExpositionOptions;
    /// let py = ExpositionOptions::new().with_python_bounds("latency", "[0, 10, 25.0, 100]").unwrap();
    /// assert_eq!(py.python_int_bounds("latency"), [0, 10, 100]);
    /// assert!(ExpositionOptions::new().with_python_bounds("latency", "[10, fast]").is_err());
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::InvalidPythonBounds`] when an item is not a number.
    pub fn with_python_bounds(mut self, view: &str, written: &str) -> Result<Self, ConfigError> {
        let inner = written
            .trim()
            .trim_start_matches(['[', '('])
            .trim_end_matches([']', ')']);
        let mut ints = Vec::new();
        for item in inner.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let bad = || ConfigError::InvalidPythonBounds {
                view: view.into(),
                item: item.into(),
            };
            match item.parse::<i64>() {
                Ok(int) => ints.push(int),
                Err(_) => drop(item.parse::<f64>().map_err(|_| bad())?),
            }
        }
        self.python_int_bounds.retain(|(v, _)| v != view);
        self.python_int_bounds.push((view.into(), ints));
        Ok(self)
    }

    /// Whether [`Self::with_python_numbers`] is on.
    pub fn python_numbers(&self) -> bool {
        self.python_numbers
    }

    /// The bounds of view `view` given as Python ints ([`Self::with_python_bounds`]).
    pub fn python_int_bounds(&self, view: &str) -> &[i64] {
        self.python_int_bounds
            .iter()
            .find(|(v, _)| v == view)
            .map_or(&[], |(_, b)| b)
    }

    /// Label names no view may carry: a view whose tag keys sanitise to one of them is left out
    /// of the exposition and reported as [`crate::EncodeError::ReservedLabel`]. A push exporter
    /// reserves `job` and its grouping labels, which the Pushgateway would otherwise overwrite.
    pub fn with_reserved_labels<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.reserved_labels
            .extend(names.into_iter().map(Into::into));
        self.reserved_labels.sort();
        self.reserved_labels.dedup();
        self
    }

    /// The namespace (`""` for none).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The constant labels, sorted by name.
    pub fn const_labels(&self) -> &[(String, String)] {
        &self.const_labels
    }

    /// Whether counters get a `_total` suffix.
    pub fn counter_total_suffix(&self) -> bool {
        self.counter_total_suffix
    }

    /// Whether Sum views are exported as `untyped`.
    pub fn sum_as_untyped(&self) -> bool {
        self.sum_as_untyped
    }

    /// The reserved label names, sorted.
    pub fn reserved_labels(&self) -> &[String] {
        &self.reserved_labels
    }

    /// The Prometheus type of a view with `aggregation` under these options.
    ///
    /// ```
    /// use census_prometheus::{naming::MetricType, ExpositionOptions};
    /// use census_sdk::Aggregation;
    /// assert_eq!(ExpositionOptions::new().metric_type(&Aggregation::Sum), MetricType::Counter);
    /// let python = ExpositionOptions::new().with_sum_as_untyped(true);
    /// assert_eq!(python.metric_type(&Aggregation::Sum), MetricType::Untyped);
    /// ```
    pub fn metric_type(&self, aggregation: &Aggregation) -> MetricType {
        match aggregation {
            Aggregation::Count => MetricType::Counter,
            Aggregation::Sum if self.sum_as_untyped => MetricType::Untyped,
            Aggregation::Sum => MetricType::Counter,
            Aggregation::LastValue => MetricType::Gauge,
            Aggregation::Distribution(_) => MetricType::Histogram,
        }
    }

    /// The metric (family) name of `view` in text format 0.0.4: the namespace, `_`, the
    /// sanitised view name, and `_total` for counters when [`Self::with_counter_total_suffix`]
    /// is on.
    ///
    /// ```
    /// use census_prometheus::ExpositionOptions;
    /// use census_sdk::{Aggregation, Int64Measure, View};
    /// let m = Int64Measure::new("doc.io/naming_requests", "Requests", "1").unwrap();
    /// let view = View::new("request/count", "", [], &m, Aggregation::Count).unwrap();
    /// let opts = ExpositionOptions::new().with_namespace("myapp").unwrap();
    /// assert_eq!(opts.metric_name(&view), "myapp_request_count");
    /// let python = opts.with_counter_total_suffix(true);
    /// assert_eq!(python.metric_name(&view), "myapp_request_count_total");
    /// ```
    pub fn metric_name(&self, view: &View) -> String {
        let mut name = String::with_capacity(self.namespace.len() + view.name().len() + 8);
        if !self.namespace.is_empty() {
            name.push_str(&self.namespace);
            name.push('_');
        }
        sanitize_into(view.name(), &mut name);
        if self.counter_total_suffix
            && self.metric_type(view.aggregation()) == MetricType::Counter
            && !name.ends_with("_total")
        {
            name.push_str("_total");
        }
        name
    }

    /// Every label name the series of `view` carry, sorted: the sanitised tag keys and the
    /// constant labels, plus `le` for a histogram. Duplicates are kept, so a caller can detect
    /// them.
    ///
    /// ```
    /// use census_prometheus::ExpositionOptions;
    /// use census_sdk::{Aggregation, Float64Measure, TagKey, View};
    /// let m = Float64Measure::new("doc.io/naming_latency", "Latency", "ms").unwrap();
    /// let keys = [TagKey::new("method").unwrap(), TagKey::new("http.status").unwrap()];
    /// let view = View::new("lat", "", keys, &m, Aggregation::distribution(&[1.0]).unwrap()).unwrap();
    /// let opts = ExpositionOptions::new().with_const_label("service", "api").unwrap();
    /// assert_eq!(opts.label_names(&view), ["http_status", "le", "method", "service"]);
    /// ```
    pub fn label_names(&self, view: &View) -> Vec<String> {
        let mut names: Vec<String> = view
            .columns()
            .iter()
            .map(|k| sanitize(k.name()))
            .chain(self.const_labels.iter().map(|(n, _)| n.clone()))
            .collect();
        if matches!(view.aggregation(), Aggregation::Distribution(_)) {
            names.push(BUCKET_LABEL.to_string());
        }
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_validated_not_sanitised() {
        for ok in ["", "myapp", "my_app", "_x", "a:b", "App9"] {
            assert!(ExpositionOptions::new().with_namespace(ok).is_ok(), "{ok}");
        }
        for bad in ["my.app", "9ns", "my-app", "caf\u{e9}", " x"] {
            let err = ExpositionOptions::new().with_namespace(bad).unwrap_err();
            assert_eq!(
                err,
                ConfigError::InvalidNamespace {
                    namespace: bad.into()
                }
            );
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn const_labels_are_validated_and_sorted() {
        let o = ExpositionOptions::new()
            .with_const_label("zone", "eu")
            .unwrap()
            .with_const_label("app", "a\"b")
            .unwrap();
        assert_eq!(o.const_labels()[0].0, "app");
        assert_eq!(o.const_labels()[1], ("zone".to_string(), "eu".to_string()));
        let e = o.clone().with_const_label("zone", "us").unwrap_err();
        assert_eq!(
            e,
            ConfigError::DuplicateConstLabel {
                name: "zone".into(),
                first: "eu".into(),
                second: "us".into()
            }
        );
        for bad in ["a.b", "1a", "", "a-b"] {
            assert_eq!(
                o.clone().with_const_label(bad, "v").unwrap_err(),
                ConfigError::InvalidLabelName { name: bad.into() }
            );
        }
        for reserved in ["le", "__name__", "__x"] {
            assert_eq!(
                o.clone().with_const_label(reserved, "v").unwrap_err(),
                ConfigError::ReservedLabelName {
                    name: reserved.into()
                }
            );
        }
    }

    #[test]
    fn reserved_labels_are_sorted_and_unique() {
        let o = ExpositionOptions::new().with_reserved_labels(["job", "instance", "job"]);
        assert_eq!(o.reserved_labels(), ["instance", "job"]);
    }
}
