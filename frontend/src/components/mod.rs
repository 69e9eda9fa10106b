//! One component per file; each has a Props struct and `on_*` callbacks.

// completion codes and the class board
pub mod board;
pub mod completion;
// end completion codes
pub mod diagnostics;
pub mod editor;
pub mod explanation;
pub mod graph;
pub mod matrix;
pub mod policies;
pub mod presenter; // presenter view
pub mod reach_announce; // quick fixes, accessibility
pub mod source_ref;
// // quick fixes, accessibility
pub mod splitter; // resizable, collapsible panes
pub mod suggest_flow; // allow / block this flow
pub mod toolbar;
pub mod versions;
// lessons
pub mod lesson;
pub mod lesson_dock;
pub mod lessons_list;
