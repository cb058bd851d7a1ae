//! Text format 0.0.4, as client_golang writes it: see [`write_family`] for details.

use census_sdk::{AggregationData, Row};

use super::header::{series_head, write_header};
use super::number::write_go_float;
use super::scratch::Scratch;
use crate::escape::escape_help;
use crate::model::Family;

/// Writes one family: `# HELP`, `# TYPE`, then every series in the model's order; a histogram
/// row as its `_bucket` lines (cumulative, `le` last, ending with `+Inf`), `_sum` and `_count`.
pub(crate) fn write_family(out: &mut Vec<u8>, fam: &Family<'_>, scratch: &mut Scratch) {
    if let Some(py) = &fam.python {
        return super::python::write_family(out, fam, py);
    }
    let help = fam.data.view.description();
    write_header(out, &fam.name, help, escape_help, fam.kind.as_str());
    let name = fam.name.as_bytes();

    scratch.le.clear();
    scratch.le_ends.clear();
    if let Some(bounds) = fam.data.view.aggregation().bounds() {
        // Every bucket line ends with one of these tails: `le="10"} `, …, `le="+Inf"} `.
        for &b in bounds.as_slice().iter().chain(&[f64::INFINITY]) {
            let start = scratch.le.len();
            scratch.le.extend_from_slice(b"le=\"");
            write_go_float(&mut scratch.le, b);
            scratch.le.extend_from_slice(b"\"} ");
            scratch.le_ends.push((start, scratch.le.len()));
        }
    }
    // Pass 1, rows in storage order (each row's data is read once, where it lies in memory):
    // the numbers of its lines (the model wrote the label blocks the same way). Pass 2, rows
    // in sorted order: lines from those compact buffers. Reading the snapshot itself in
    // sorted order costs cache misses per value on large views.
    let rows = &fam.data.rows;
    let per_row = scratch.le_ends.len() + if scratch.le_ends.is_empty() { 1 } else { 2 };
    scratch.nums.clear();
    for chunk in rows.chunks(256) {
        warm_buckets(chunk);
        for row in chunk {
            push_numbers(&mut scratch.nums, row, per_row);
        }
    }

    let mut head = std::mem::take(&mut scratch.head);
    let Scratch {
        le, le_ends, nums, ..
    } = &*scratch;
    for &i in &fam.rows.order {
        let i = i as usize;
        let labels = fam.rows.block(i);
        let nums = &nums[i * per_row..(i + 1) * per_row];
        if le_ends.is_empty() {
            series_head(out, name, b"", labels);
            write_go_float(out, nums[0]);
            out.push(b'\n');
            continue;
        }
        head.clear();
        head.extend_from_slice(name);
        head.extend_from_slice(b"_bucket{");
        if !labels.is_empty() {
            head.extend_from_slice(labels);
            head.push(b',');
        }
        for (&(s, e), &n) in le_ends.iter().zip(nums) {
            out.extend_from_slice(&head);
            out.extend_from_slice(&le[s..e]);
            write_go_float(out, n);
            out.push(b'\n');
        }
        let (sum, count) = (nums[per_row - 2], nums[per_row - 1]);
        series_head(out, name, b"_sum", labels);
        write_go_float(out, sum);
        out.push(b'\n');
        series_head(out, name, b"_count", labels);
        write_go_float(out, count);
        out.push(b'\n');
    }
    scratch.head = head;
}

/// Reads one byte of the buckets of `rows`, in a loop so short that the CPU overlaps the cache
/// misses of many rows; the pass that follows then finds the data in cache instead of missing
/// once per value.
pub(crate) fn warm_buckets(rows: &[Row]) {
    let mut x = 0u64;
    for row in rows {
        if let AggregationData::Distribution(d) = &row.data {
            x = x.wrapping_add(d.bucket_counts.first().copied().unwrap_or(0));
        }
    }
    std::hint::black_box(x);
}

/// Appends the `per_row` numbers of a row's lines, as the float64s Go prints: the value; or
/// the cumulative bucket counts (the last, `+Inf`, is the count), the sum and the count.
fn push_numbers(nums: &mut Vec<f64>, row: &Row, per_row: usize) {
    match &row.data {
        AggregationData::Count(c) => nums.push(*c as f64),
        AggregationData::Sum(s) => nums.push(s.as_f64()),
        AggregationData::LastValue(v) => nums.push(v.as_f64()),
        AggregationData::Distribution(d) => {
            let mut cumulative = 0u64;
            for n in &d.bucket_counts[..per_row - 3] {
                cumulative += n;
                nums.push(cumulative as f64);
            }
            nums.extend_from_slice(&[d.count as f64, d.sum(), d.count as f64]);
        }
        // The model left out rows that do not fit their view; keep the layout regardless.
        _ => nums.resize(nums.len() + per_row, 0.0),
    }
}
