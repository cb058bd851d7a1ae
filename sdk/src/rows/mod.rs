//! Rows: how a view aggregates ([`aggregation`]), the table of its rows that recordings update
//! ([`table`]), and the read model a snapshot copies them into ([`data`]).

pub(crate) mod aggregation;
pub(crate) mod data;
pub(crate) mod table;
