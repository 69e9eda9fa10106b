//! A screen-reader-only live region (`#reach-announce`) that says which workload pairs changed
//! verdict since the last analysis (`crate::announce`). Sighted users see the graph change.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::announce::{changes, reach, Reach};
use crate::scene::Derived;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub derived: Option<Rc<Derived>>,
}

#[function_component(ReachAnnounce)]
pub fn reach_announce(p: &Props) -> Html {
    // The last verdicts seen and the sentence about the last change.
    let last: Rc<RefCell<(Reach, String)>> = use_mut_ref(|| (None, String::new()));
    let now = use_memo(p.derived.clone(), |d| d.as_ref().and_then(|d| reach(d)));
    {
        let mut l = last.borrow_mut();
        if l.0 != *now {
            if let Some(s) = changes(&l.0, &now) {
                l.1 = s;
            }
            l.0 = (*now).clone();
        }
    }
    let text = last.borrow().1.clone();
    html! {
        <p id="reach-announce" class="sr-only" role="status" aria-live="polite">{text}</p>
    }
}
