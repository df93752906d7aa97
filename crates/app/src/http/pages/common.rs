//! What every page module shares: names for codes and a case as a list row
//! with its clock badge ([`rows`]), a refused service call as a page
//! ([`rows::describe`], [`rows::Refused`]), and a posted form read field by
//! field ([`form::FormData`]).

pub mod form;
pub mod rows;
