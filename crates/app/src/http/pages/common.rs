//! What every page module shares: names for codes and a case as a list row
//! with its clock badge ([`rows`]), a refused service call as a page
//! ([`rows::describe`], [`rows::Refused`]), and a posted form read field by
//! field ([`form::FormData`]), and a case's materials checklist with its
//! files ([`materials::checklist`]).

pub mod form;
pub mod materials;
pub mod paging;
pub mod rows;
