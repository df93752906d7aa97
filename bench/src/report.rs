//! The results: one table of figures (printed, and written as JSON with the
//! machine's description and each scenario's details).

use anyhow::Context;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::path::Path;
use std::time::Duration;

/// One figure of the table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The scenario, e.g. `engine`.
    pub scenario: String,
    /// What was measured, e.g. `onewindow, 1 client`.
    pub name: String,
    /// The figure.
    pub value: f64,
    /// Its unit, e.g. `cases/s`.
    pub unit: String,
    /// The target it is judged against, if any, e.g. `≥ 6160`.
    pub target: String,
    /// What limits it, or why it is missing.
    pub note: String,
}

/// Everything one run measured.
#[derive(Debug, Serialize)]
pub struct Report {
    smoke: bool,
    machine: Value,
    seconds: f64,
    rows: Vec<Row>,
    details: Map<String, Value>,
}

impl Report {
    /// An empty report for a run on this machine.
    pub fn new(smoke: bool, machine: Value) -> Self {
        Self {
            smoke,
            machine,
            seconds: 0.0,
            rows: Vec::new(),
            details: Map::new(),
        }
    }

    /// Adds a figure.
    pub fn row(&mut self, scenario: &str, name: &str, value: f64, unit: &str, target: &str) {
        self.row_note(scenario, name, value, unit, target, "");
    }

    /// Adds a figure with a note.
    pub fn row_note(
        &mut self,
        scenario: &str,
        name: &str,
        value: f64,
        unit: &str,
        target: &str,
        note: &str,
    ) {
        self.rows.push(Row {
            scenario: scenario.into(),
            name: name.into(),
            value,
            unit: unit.into(),
            target: target.into(),
            note: note.into(),
        });
    }

    /// Records a scenario's details (latency breakdowns, query plans, …).
    pub fn detail(&mut self, key: &str, value: Value) {
        self.details.insert(key.into(), value);
    }

    /// A figure already recorded.
    pub fn value(&self, scenario: &str, name: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| r.scenario == scenario && r.name == name)
            .map(|r| r.value)
    }

    /// The ratios onewindow / limit and onewindow / SpiffWorkflow, from the
    /// throughput figures measured in this run.
    pub fn ratios(&mut self) {
        let ow1 = self.value("engine", "onewindow, 1 client");
        let ow8 = self.value("engine", "onewindow, 8 clients");
        let lim1 = self.value("engine", "storage limit, 1 client");
        let lim8 = self.value("engine", "storage limit, 8 clients");
        let spiff1 = self.value("engine", "SpiffWorkflow, 1 client");
        let spiff8 = self.value("engine", "SpiffWorkflow, 8 clients");
        let pairs = [
            ("onewindow / limit, 1 client", ow1, lim1, "≥ 0.8"),
            ("onewindow 8 clients / limit 1 client", ow8, lim1, "> 1"),
            ("onewindow / limit, 8 clients", ow8, lim8, ""),
            ("onewindow / SpiffWorkflow, 1 client", ow1, spiff1, ""),
            ("onewindow / SpiffWorkflow, 8 clients", ow8, spiff8, ""),
        ];
        for (name, a, b, target) in pairs {
            if let (Some(a), Some(b)) = (a, b)
                && b > 0.0
            {
                self.row("ratio", name, a / b, "×", target);
            }
        }
    }

    /// Notes the run's duration.
    pub fn finish(&mut self, took: Duration) {
        self.seconds = took.as_secs_f64();
        // Others may share the machine: the load at the end goes beside the
        // load at the start.
        if let Some(m) = self.machine.as_object_mut() {
            let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
            m.insert("load_average_at_end".into(), json!(load.trim()));
        }
    }

    /// Writes the report as JSON.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(&json!(self))?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Prints the table (Markdown, so it can be pasted into the results README).
    pub fn print(&self) {
        println!("| scenario | measure | value | unit | target | note |");
        println!("|---|---|---:|---|---|---|");
        for r in &self.rows {
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                r.scenario,
                r.name,
                fmt(r.value),
                r.unit,
                r.target,
                r.note
            );
        }
        if self.smoke {
            println!("\n(smoke run: tiny sizes; the figures mean nothing)");
        }
    }
}

/// A figure with sensible precision.
pub fn fmt(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Percentile `p` (0–100) of sorted samples.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round();
    let i = (rank.max(0.0) as usize).min(sorted.len() - 1);
    sorted[i]
}

/// p50, p99 and max of samples (any order), in their unit.
pub fn summary(samples: &mut [f64]) -> Value {
    samples.sort_by(f64::total_cmp);
    json!({
        "n": samples.len(),
        "p50": percentile(samples, 50.0),
        "p90": percentile(samples, 90.0),
        "p99": percentile(samples, 99.0),
        "max": samples.last().copied().unwrap_or(f64::NAN),
    })
}
