//! A capacity-limited resource: servers (or places, or caseload slots)
//! plus a bounded first-in, first-out queue — simmer's resource.
//!
//! [`Resource::seize`] answers [`Admission::Served`], [`Admission::Queued`]
//! or [`Admission::Rejected`]; rejection is where bounce-back begins. The
//! queue hands out [`Ticket`]s so that a pending patience (renege) event
//! can tell whether its customer is still waiting without any flag kept by
//! the caller. Capacity can change over time and the resource can close;
//! busy servers, queue length and capacity are integrated over time.
//!
//! Every queue of the pathway (reception, the link worker's waiting list
//! and caseload, each VCSE service) and every node of a queueing network
//! is one of these, so the queue checked against Erlang B, C, A and
//! M/M/c/K in the tests below is the one behind the headline figures.
//!
//! What the resource does not decide: *who* is admitted next when a server
//! frees. [`Resource::admit_next`] offers the queue's entries in order and
//! the caller says which are still wanted, because only the model knows
//! whether a patient moved on while waiting (a stale entry is dropped when
//! it reaches the front, as in a real waiting list).

use crate::stats::Level;
use std::collections::VecDeque;

/// What a [`Resource::seize`] met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A server was free and is now held by the caller.
    Served,
    /// All servers busy: joined the queue with this ticket.
    Queued(Ticket),
    /// Turned away.
    Rejected(Refusal),
}

/// Why a [`Resource::seize`] was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The resource is closed.
    Closed,
    /// All servers busy and the queue at its limit.
    Full,
}

/// A place in a resource's queue. Tickets are handed out in arrival order;
/// a ticket stays meaningful until about 2³² later arrivals (it wraps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(pub u32);

/// How many may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueLimit {
    /// No limit.
    Unbounded,
    /// At most this many waiting (0: no queue at all, a loss system).
    AtMost(u32),
}

#[derive(Debug, Clone, Copy)]
struct Slot<T> {
    item: T,
    /// When it joined the queue \[minutes\].
    joined: f64,
    /// False once it reneged; the slot is dropped when it reaches the front.
    live: bool,
}

/// Servers plus a bounded FIFO queue of `T` (a small `Copy` id).
#[derive(Debug, Clone)]
pub struct Resource<T: Copy> {
    capacity: u32,
    busy: u32,
    open: bool,
    limit: QueueLimit,
    queue: VecDeque<Slot<T>>,
    /// Ticket of `queue[0]`.
    head: u32,
    /// Entries in the queue that have not reneged.
    waiting: u32,
    busy_level: Level,
    queue_level: Level,
    capacity_level: Level,
}

impl<T: Copy> Resource<T> {
    /// An open resource with `capacity` servers, idle, with an empty queue,
    /// whose levels are integrated from `start` \[minutes\].
    pub fn new(capacity: u32, limit: QueueLimit, start: f64) -> Self {
        Resource {
            capacity,
            busy: 0,
            open: true,
            limit,
            queue: VecDeque::new(),
            head: 0,
            waiting: 0,
            busy_level: Level::new(start, 0.0),
            queue_level: Level::new(start, 0.0),
            capacity_level: Level::new(start, f64::from(capacity)),
        }
    }

    /// Asks for a server at `now`: served if one is free, else queued if
    /// the queue has room, else rejected. A closed resource rejects.
    pub fn seize(&mut self, now: f64, item: T) -> Admission {
        if !self.open {
            Admission::Rejected(Refusal::Closed)
        } else if self.busy < self.capacity {
            self.take_server(now);
            Admission::Served
        } else if self.queue_has_room() {
            Admission::Queued(self.enqueue(now, item))
        } else {
            Admission::Rejected(Refusal::Full)
        }
    }

    /// Joins the queue whatever its limit and the free servers (an initial
    /// waiting list; a service that admits only from its list).
    pub fn enqueue(&mut self, now: f64, item: T) -> Ticket {
        let ticket = Ticket(self.head.wrapping_add(self.queue.len() as u32));
        self.queue.push_back(Slot {
            item,
            joined: now,
            live: true,
        });
        self.set_waiting(now, self.waiting + 1);
        ticket
    }

    /// Takes a server for a caller that is not queueing (an initial
    /// occupant). Capacity is not checked: the caller knows.
    pub fn take_server(&mut self, now: f64) {
        self.busy += 1;
        self.busy_level.set(now, f64::from(self.busy));
    }

    /// Frees a server at `now`. Nobody is admitted here: call
    /// [`Resource::admit_next`], so that a release happens before a seize
    /// and the caller sees who is admitted.
    pub fn release(&mut self, now: f64) {
        debug_assert!(self.busy > 0, "release of an idle resource");
        self.busy -= 1;
        self.busy_level.set(now, f64::from(self.busy));
    }

    /// While open with a free server, takes the queue's front entries in
    /// order, drops those `wanted` refuses (stale: the customer moved on),
    /// and admits the first it accepts, which then holds a server. Returns
    /// it and when it joined \[minutes\].
    pub fn admit_next(&mut self, now: f64, wanted: impl FnMut(T) -> bool) -> Option<(T, f64)> {
        let next = self.call_next(now, wanted)?;
        self.take_server(now);
        Some(next)
    }

    /// As [`Resource::admit_next`], but the customer called from the queue
    /// does not yet hold the free server: the caller takes it with
    /// [`Resource::take_server`] if the customer turns up, or leaves it
    /// free (a VCSE place is held only by someone who attends).
    pub fn call_next(&mut self, now: f64, mut wanted: impl FnMut(T) -> bool) -> Option<(T, f64)> {
        if !self.open || self.busy >= self.capacity {
            return None;
        }
        while let Some(slot) = self.pop_front() {
            if !slot.live {
                continue;
            }
            self.set_waiting(now, self.waiting - 1);
            if wanted(slot.item) {
                return Some((slot.item, slot.joined));
            }
        }
        None
    }

    /// The customer holding `ticket` stops waiting (patience ran out).
    /// False if it is no longer in the queue (served, drained, reneged).
    pub fn renege(&mut self, now: f64, ticket: Ticket) -> bool {
        let index = ticket.0.wrapping_sub(self.head) as usize;
        match self.queue.get_mut(index) {
            Some(slot) if slot.live => {
                slot.live = false;
                self.set_waiting(now, self.waiting - 1);
                true
            }
            _ => false,
        }
    }

    /// Empties the queue, returning who was waiting in order (at closing
    /// time, or when a service shuts).
    pub fn drain(&mut self, now: f64) -> Vec<(T, f64)> {
        let mut out = Vec::with_capacity(self.waiting as usize);
        while let Some(slot) = self.pop_front() {
            if slot.live {
                out.push((slot.item, slot.joined));
            }
        }
        self.set_waiting(now, 0);
        out
    }

    /// Changes the number of servers at `now`. Busy servers above a lower
    /// capacity finish their work (no pre-emption); call
    /// [`Resource::admit_next`] after a rise.
    pub fn set_capacity(&mut self, now: f64, capacity: u32) {
        self.capacity = capacity;
        self.capacity_level.set(now, self.effective_capacity());
    }

    /// Closes at `now`: seizes are rejected, nobody is admitted, and the
    /// capacity level reads 0. Those waiting stay until [`Resource::drain`].
    pub fn close(&mut self, now: f64) {
        self.open = false;
        self.capacity_level.set(now, 0.0);
    }

    /// Reopens at `now`; call [`Resource::admit_next`] after.
    pub fn open(&mut self, now: f64) {
        self.open = true;
        self.capacity_level.set(now, self.effective_capacity());
    }

    /// Servers in force.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Servers busy.
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Customers waiting (stale entries the caller has not yet refused
    /// count until they reach the front).
    pub fn waiting(&self) -> u32 {
        self.waiting
    }

    /// Whether it is open.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// A server is free now.
    pub fn has_free_server(&self) -> bool {
        self.open && self.busy < self.capacity
    }

    /// One more could join the queue.
    pub fn queue_has_room(&self) -> bool {
        match self.limit {
            QueueLimit::Unbounded => true,
            QueueLimit::AtMost(n) => self.waiting < n,
        }
    }

    /// A seize now would not be rejected.
    pub fn has_room(&self) -> bool {
        self.open && (self.busy < self.capacity || self.queue_has_room())
    }

    /// Time-weighted busy servers.
    pub fn busy_level(&self) -> &Level {
        &self.busy_level
    }

    /// Time-weighted queue length.
    pub fn queue_level(&self) -> &Level {
        &self.queue_level
    }

    /// Time-weighted capacity in force (0 while closed).
    pub fn capacity_level(&self) -> &Level {
        &self.capacity_level
    }

    /// The three levels, for weekly reads that restart them.
    pub fn levels_mut(&mut self) -> (&mut Level, &mut Level, &mut Level) {
        (&mut self.busy_level, &mut self.queue_level, &mut self.capacity_level)
    }

    /// Whether the waiting count equals the live entries in the queue (an
    /// invariant; checked by audits and tests). Busy may exceed a capacity
    /// that fell (absence, closures: those in service finish); nobody is
    /// admitted while it does.
    pub fn is_consistent(&self) -> bool {
        self.queue.iter().filter(|s| s.live).count() == self.waiting as usize
    }

    fn effective_capacity(&self) -> f64 {
        if self.open {
            f64::from(self.capacity)
        } else {
            0.0
        }
    }

    fn pop_front(&mut self) -> Option<Slot<T>> {
        let slot = self.queue.pop_front()?;
        self.head = self.head.wrapping_add(1);
        Some(slot)
    }

    fn set_waiting(&mut self, now: f64, waiting: u32) {
        self.waiting = waiting;
        self.queue_level.set(now, f64::from(waiting));
    }
}

#[cfg(test)]
mod tests;
