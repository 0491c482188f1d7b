//! What a format may keep from the earlier lines of the same file: the model a context line named, the session,
//! the last cumulative usage total. Some logs put these on other lines than the usage (a rollout names its model
//! on a `turn_context` line and reports running totals), so such a line cannot be read alone.
//!
//! Lines are still parsed in parallel, each alone, into `Step`s; the engine then applies a file's steps to that
//! file's `FileContext` strictly in the file's line order (as it folds them, batch by batch and chunk by chunk),
//! so the result does not depend on the thread count or on how the file was cut.

use std::sync::Arc;

use super::{LineError, RawCall};
use crate::call::{Dedup, Tokens};

/// One thing a line of an in-order format says.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The model of the calls that follow in this file.
    Model(Arc<str>),
    /// The session of the calls that follow in this file.
    Session(Arc<str>),
    /// A call; what it leaves out comes from the context. Boxed: a line holds few steps, and a model line should
    /// not take a call's room.
    Call(Box<Pending>),
    /// What the file is a log of. Only the file's first such line counts: a later one is a copy of another
    /// session's (a fork replays its parent's history, the parent's own `session_meta` included).
    Meta(Box<Meta>),
    /// A turn of the conversation begins, made at this time (milliseconds since 1970), when known.
    Turn(Option<i64>),
}

/// The session a file is a log of, and where it was run.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub session: Arc<str>,
    /// The working directory of the session.
    pub project: Option<Arc<str>>,
    /// The git branch checked out there.
    pub branch: Option<Arc<str>>,
    /// A copy of another session's history comes first: its usage is that session's, not this one's, until a turn
    /// made at or after this time (milliseconds since 1970) begins.
    pub replay_until: Option<i64>,
    /// `project` stands for a hash of the project's path (Gemini CLI's `projectHash`): the path the file's place
    /// names, when it names one, is shown instead.
    pub project_by_hash: bool,
}

/// A call read alone, to be completed from its file's context.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The call as far as its line tells it. An empty model means the context's model; no session, the context's.
    pub call: RawCall,
    /// A running total of the file's usage: the call is billed what it added to the previous total (nothing when
    /// it did not grow, as when the same event is written twice), not the total itself.
    pub total: Option<Tokens>,
    /// Which of its copies counts.
    pub keep: Keep,
}

impl Pending {
    pub fn new(call: RawCall) -> Self {
        Pending {
            call,
            total: None,
            keep: Keep::AsKeyed,
        }
    }
}

/// Which copies of a call count, beyond what its own key says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// As its key says (every call without one).
    AsKeyed,
    /// A later copy of the same key replaces an earlier one (a log that re-appends a record whenever it changes):
    /// the key's rank is the copy's place in the file.
    Latest,
    /// The call is its session's running total so far, in this namespace: the session is billed once, at its
    /// largest total, however many files or events repeat it.
    SessionTotal(&'static str),
}

/// The state of one file, threaded through its lines in order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FileContext {
    pub model: Option<Arc<str>>,
    pub session: Option<Arc<str>>,
    /// The last running total seen.
    pub total: Option<Tokens>,
    pub project: Option<Arc<str>>,
    pub branch: Option<Arc<str>>,
    /// The project the file's place names (the folder Gemini CLI keeps a project's recordings in), for a log that
    /// names its project only by a hash.
    pub place_project: Option<Arc<str>>,
    /// Whether the file's first `Meta` has been read.
    pub meta_seen: bool,
    /// While set, running totals are another session's history: they move the last total without being billed.
    pub replay_until: Option<i64>,
    /// Calls completed so far that keep their latest copy.
    pub copies: u64,
}

impl FileContext {
    /// Applies one line's steps, in order, and returns its completed calls.
    pub fn apply(&mut self, steps: Vec<Step>) -> Result<Vec<RawCall>, LineError> {
        let mut calls = Vec::new();
        for step in steps {
            match step {
                Step::Model(m) => self.model = Some(m),
                Step::Session(s) => self.session = Some(s),
                Step::Meta(m) if !self.meta_seen => {
                    self.meta_seen = true;
                    self.session = Some(m.session);
                    self.project = match &self.place_project {
                        Some(place) if m.project_by_hash => Some(place.clone()),
                        _ => m.project,
                    };
                    self.branch = m.branch;
                    self.replay_until = m.replay_until;
                }
                Step::Meta(_) => {}
                Step::Turn(at) => {
                    if let (Some(until), Some(at)) = (self.replay_until, at)
                        && at >= until
                    {
                        self.replay_until = None;
                    }
                }
                Step::Call(p) => {
                    if let Some(call) = self.complete(*p)? {
                        calls.push(call);
                    }
                }
            }
        }
        Ok(calls)
    }

    fn complete(&mut self, p: Pending) -> Result<Option<RawCall>, LineError> {
        let mut call = p.call;
        if call.model.is_empty() {
            call.model = self
                .model
                .clone()
                .ok_or_else(|| LineError::bad("usage before any line names the model"))?;
        }
        if call.session.is_none() {
            call.session = self.session.clone();
        }
        if call.project.is_none() {
            call.project = self.project.clone();
        }
        if call.branch.is_none() {
            call.branch = self.branch.clone();
        }
        if self.replay_until.is_some() {
            // Another session's call, billed from that session's file: only where the total stands counts.
            if p.total.is_some() {
                self.total = p.total;
            }
            return Ok(None);
        }
        match p.keep {
            Keep::AsKeyed => {}
            Keep::Latest => {
                self.copies += 1;
                if let Some(d) = &mut call.dedup {
                    d.rank.2 = self.copies;
                }
            }
            Keep::SessionTotal(namespace) => {
                let session = call
                    .session
                    .clone()
                    .ok_or_else(|| LineError::bad("usage before any line names its thread"))?;
                if let super::RawTokens::Reported(t) = &call.tokens {
                    call.dedup = Some(Dedup::response(&session, t, false).within(namespace));
                }
            }
        }
        if let Some(total) = p.total {
            let mut before = self.total.unwrap_or_default();
            if sum(&total) < sum(&before) {
                // A total below the last one is a count that started again: all of it is new.
                before = Tokens::default();
            }
            self.total = Some(total);
            // Not grown: a copy of an event already counted.
            let Some(added) = growth(&before, &total) else {
                return Ok(None);
            };
            call.tokens = super::RawTokens::Reported(added);
        }
        Ok(Some(call))
    }
}

fn sum(t: &Tokens) -> u64 {
    t.prompt().saturating_add(t.output)
}

/// What `now` added to `before`, bucket by bucket, or `None` when nothing grew.
fn growth(before: &Tokens, now: &Tokens) -> Option<Tokens> {
    let d = |a: u64, b: u64| b.saturating_sub(a);
    let added = Tokens {
        input: d(before.input, now.input),
        cache_read: d(before.cache_read, now.cache_read),
        cache_write_5m: d(before.cache_write_5m, now.cache_write_5m),
        cache_write_1h: d(before.cache_write_1h, now.cache_write_1h),
        output: d(before.output, now.output),
    };
    (added != Tokens::default()).then_some(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::RawTokens;

    fn pending(model: &str, total: Option<Tokens>) -> Step {
        let tokens = RawTokens::Reported(Tokens::default());
        Step::Call(Box::new(Pending {
            total,
            ..Pending::new(RawCall::new(model, tokens))
        }))
    }

    fn tokens(input: u64, cache_read: u64, output: u64) -> Tokens {
        Tokens {
            input,
            cache_read,
            output,
            ..Tokens::default()
        }
    }

    fn reported(c: &RawCall) -> Tokens {
        match &c.tokens {
            RawTokens::Reported(t) => *t,
            other => panic!("not reported: {other:?}"),
        }
    }

    #[test]
    fn a_call_takes_the_model_and_session_of_the_lines_before_it() {
        let mut cx = FileContext::default();
        assert!(cx.apply(vec![pending("", None)]).is_err(), "no model named yet");
        let calls = cx
            .apply(vec![
                Step::Session("s1".into()),
                Step::Model("gpt-5".into()),
                pending("", None),
            ])
            .unwrap();
        assert_eq!((&*calls[0].model, calls[0].session.as_deref()), ("gpt-5", Some("s1")));
        // A later context line changes the model of the calls after it only; a call that names its own keeps it.
        let calls = cx
            .apply(vec![
                Step::Model("gpt-5-mini".into()),
                pending("", None),
                pending("o3", None),
            ])
            .unwrap();
        assert_eq!(&*calls[0].model, "gpt-5-mini");
        assert_eq!(&*calls[1].model, "o3");
    }

    #[test]
    fn running_totals_bill_what_they_added() {
        let mut cx = FileContext::default();
        cx.apply(vec![Step::Model("gpt-5".into())]).unwrap();
        let mut bill = |total| cx.apply(vec![pending("", Some(total))]).unwrap();
        assert_eq!(reported(&bill(tokens(100, 0, 10))[0]), tokens(100, 0, 10));
        // The second call added 50 fresh, 80 cached and 5 output tokens.
        assert_eq!(reported(&bill(tokens(150, 80, 15))[0]), tokens(50, 80, 5));
        // The same event written twice adds nothing and is no call.
        assert!(bill(tokens(150, 80, 15)).is_empty());
        // A total that starts again is a new count: all of it is new, and the next call adds to it.
        assert_eq!(reported(&bill(tokens(10, 0, 1))[0]), tokens(10, 0, 1));
        assert_eq!(reported(&bill(tokens(30, 0, 4))[0]), tokens(20, 0, 3));
    }
}
