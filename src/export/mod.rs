//! Exports of a checked program to other engines' languages.

pub mod sql;
