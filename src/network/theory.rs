//! Closed-form queueing results, used to check the engine: Erlang B and C,
//! M/M/c, M/M/c/K, M/G/1 (Pollaczek–Khinchine) and Jackson networks.
//!
//! Rates are per minute, times in minutes. `a = λ/μ` is the offered load in
//! Erlangs, `ρ = a/c` the utilisation.

use super::spec::NetworkScenario;
use crate::scenario::dist::Dist;

/// Erlang B: probability that an arrival finds all `c` servers busy in an
/// M/M/c/c loss system with offered load `a` (stable recursion).
pub fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

/// Erlang C: probability that an arrival waits in an M/M/c queue with
/// offered load `a < c`.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    let c = f64::from(c);
    c * b / (c - a * (1.0 - b))
}

/// Steady-state means of one node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeTheory {
    /// Which model the numbers come from.
    pub model: Model,
    /// Offered arrival rate λ \[per minute\].
    pub lambda: f64,
    /// Rate of customers admitted (λ × (1 − P(block))) \[per minute\].
    pub throughput: f64,
    /// Probability an arrival is rejected.
    pub p_block: f64,
    /// Mean wait in queue of admitted customers, Wq \[minutes\].
    pub wait: f64,
    /// Mean time in node, W \[minutes\].
    pub sojourn: f64,
    /// Mean number waiting, Lq.
    pub queue: f64,
    /// Mean number in node, L.
    pub in_system: f64,
    /// Fraction of server time busy, λ_eff E\[S\] / c.
    pub utilisation: f64,
    /// Probability an admitted customer reneges (0 without patience).
    pub p_renege: f64,
}

impl NodeTheory {
    /// A node with no capacity limit and no reneging: everyone is served,
    /// and the rest follows from the mean wait by Little's law.
    fn unbounded(model: Model, lambda: f64, wait: f64, mean_service: f64, utilisation: f64) -> NodeTheory {
        NodeTheory {
            model,
            lambda,
            throughput: lambda,
            p_block: 0.0,
            wait,
            sojourn: wait + mean_service,
            queue: lambda * wait,
            in_system: lambda * (wait + mean_service),
            utilisation,
            p_renege: 0.0,
        }
    }
}

/// The closed form a node's numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// M/M/c with unbounded queue (alone or as a Jackson-network node).
    Mmc,
    /// M/M/c/K: finite room, arrivals finding it full are lost.
    Mmck,
    /// M/G/1 by the Pollaczek–Khinchine formula.
    Mg1,
    /// M/M/c+M (Erlang A): exponential patience, optionally finite room.
    ErlangA,
}

impl Model {
    /// Short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Model::Mmc => "M/M/c",
            Model::Mmck => "M/M/c/K",
            Model::Mg1 => "M/G/1 (P-K)",
            Model::ErlangA => "M/M/c+M",
        }
    }
}

/// M/M/c with arrival rate `lambda` and mean service `mean_service`;
/// `None` unless stable (λ E\[S\] < c).
pub fn mmc(c: u32, lambda: f64, mean_service: f64) -> Option<NodeTheory> {
    let a = lambda * mean_service;
    let stable = a < f64::from(c);
    if !stable || lambda <= 0.0 || mean_service <= 0.0 {
        return None;
    }
    let pw = erlang_c(c, a);
    let wait = pw * mean_service / (f64::from(c) - a);
    Some(NodeTheory::unbounded(Model::Mmc, lambda, wait, mean_service, a / f64::from(c)))
}

/// M/M/c/K (K ≥ c counts those in service): state probabilities
/// p_n ∝ aⁿ/n! for n ≤ c and a^c/c! ρ^(n−c) above, computed by ratios.
pub fn mmck(c: u32, k: u32, lambda: f64, mean_service: f64) -> NodeTheory {
    assert!(k >= c && c >= 1);
    let a = lambda * mean_service;
    let mut p = Vec::with_capacity(k as usize + 1);
    let mut term = 1.0;
    p.push(term);
    for n in 1..=k {
        term *= a / f64::from(n.min(c));
        p.push(term);
    }
    let total: f64 = p.iter().sum();
    for x in &mut p {
        *x /= total;
    }
    let p_block = p[k as usize];
    let in_system: f64 = p.iter().enumerate().map(|(n, x)| n as f64 * x).sum();
    let queue: f64 = p.iter().enumerate().map(|(n, x)| (n as f64 - f64::from(c)).max(0.0) * x).sum();
    let throughput = lambda * (1.0 - p_block);
    NodeTheory {
        model: Model::Mmck,
        lambda,
        throughput,
        p_block,
        wait: queue / throughput,
        sojourn: in_system / throughput,
        queue,
        in_system,
        utilisation: throughput * mean_service / f64::from(c),
        p_renege: 0.0,
    }
}

/// M/G/1 by Pollaczek–Khinchine: Wq = λ E\[S²\] / (2 (1 − ρ)); `None` unless
/// stable.
pub fn mg1(lambda: f64, mean_service: f64, var_service: f64) -> Option<NodeTheory> {
    let rho = lambda * mean_service;
    let stable = rho < 1.0;
    if !stable || lambda <= 0.0 {
        return None;
    }
    let second_moment = var_service + mean_service * mean_service;
    let wait = lambda * second_moment / (2.0 * (1.0 - rho));
    Some(NodeTheory::unbounded(Model::Mg1, lambda, wait, mean_service, rho))
}

/// M/M/c+M (Erlang A), with room for `capacity` in the node if bounded: a
/// birth–death chain with death rate min(n, c)μ + (n − c)⁺θ, θ = 1 / mean
/// patience. Stable for any load. The mean wait of *served* customers has no
/// simple form, so `wait` is the mean time in queue of all admitted
/// customers, Lq / λ_eff; `p_renege` = θ Lq / λ_eff.
pub fn mmc_abandonment(c: u32, capacity: Option<u32>, lambda: f64, mean_service: f64, mean_patience: f64) -> NodeTheory {
    let (mu, theta) = (1.0 / mean_service, 1.0 / mean_patience);
    let mut p = vec![1.0];
    let mut term = 1.0;
    let mut total = 1.0;
    let mut n = 0u32;
    loop {
        if capacity.is_some_and(|k| n >= k) {
            break;
        }
        n += 1;
        let death = f64::from(n.min(c)) * mu + f64::from(n.saturating_sub(c)) * theta;
        term *= lambda / death;
        p.push(term);
        total += term;
        if capacity.is_none() && n > c && term < 1e-18 * total {
            break;
        }
    }
    for x in &mut p {
        *x /= total;
    }
    let p_block = if capacity.is_some() { p[p.len() - 1] } else { 0.0 };
    let in_system: f64 = p.iter().enumerate().map(|(n, x)| n as f64 * x).sum();
    let busy: f64 = p.iter().enumerate().map(|(n, x)| (n as f64).min(f64::from(c)) * x).sum();
    let queue = in_system - busy;
    let throughput = lambda * (1.0 - p_block);
    NodeTheory {
        model: Model::ErlangA,
        lambda,
        throughput,
        p_block,
        wait: queue / throughput,
        sojourn: in_system / throughput,
        queue,
        in_system,
        utilisation: busy / f64::from(c),
        p_renege: theta * queue / throughput,
    }
}

/// Solves the traffic equations λ = γ + Pᵀλ, i.e. (I − Pᵀ) λ = γ, by
/// Gaussian elimination with partial pivoting. `p[i][j]` is the probability
/// of going from `i` to `j`. `None` if the system is singular (a closed
/// routing loop).
pub fn traffic_equations(p: &[Vec<f64>], gamma: &[f64]) -> Option<Vec<f64>> {
    let n = gamma.len();
    // Augmented matrix [I − Pᵀ | γ].
    let mut m: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut row: Vec<f64> = (0..n).map(|j| f64::from(u8::from(i == j)) - p[j][i]).collect();
            row.push(gamma[i]);
            row
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        for row in 0..n {
            if row != col {
                let f = m[row][col] / m[col][col];
                if f != 0.0 {
                    let pivot_row = m[col].clone();
                    for (x, p) in m[row].iter_mut().zip(&pivot_row).skip(col) {
                        *x -= f * p;
                    }
                }
            }
        }
    }
    Some((0..n).map(|i| m[i][n] / m[i][i]).collect())
}

fn is_exponential(d: &Dist) -> bool {
    matches!(d, Dist::Exponential(..))
}

/// The routing matrix `p[i][j]` (node i to node j) and the external arrival
/// rate of each node \[1/minute\] (0 for nodes with no external arrivals).
pub fn routing_and_external_rates(scn: &NetworkScenario) -> (Vec<Vec<f64>>, Vec<f64>) {
    let n = scn.nodes.len();
    let p = scn
        .nodes
        .iter()
        .map(|node| (0..n).map(|j| node.probability_to(j)).collect())
        .collect();
    let gamma = scn
        .nodes
        .iter()
        .map(|node| node.arrivals.as_ref().map_or(0.0, |d| 1.0 / d.mean()))
        .collect();
    (p, gamma)
}

/// Closed-form answers for each node of `scn` where theory gives one:
///
/// - all external arrivals must be Poisson (exponential inter-arrivals);
/// - a node whose upstream (every node that can route to it, transitively,
///   and itself) is made of M/M/c nodes without capacity limit or patience
///   is an M/M/c node of a Jackson network, at the rate from the traffic
///   equations;
/// - a node whose input is Poisson — its upstream is loop-free M/M/c
///   (Burke's theorem) and it is not on a loop itself — may instead be
///   M/M/c/K (exponential service, finite capacity), M/G/1 (one server, any
///   service distribution, unbounded), or M/M/c+M (exponential service and
///   exponential patience, with or without finite capacity).
///
/// Anything else (non-exponential patience, general service with several
/// servers, a loss or reneging node upstream) gets `None`, as does an
/// unstable node.
pub fn analyse(scn: &NetworkScenario) -> Vec<Option<NodeTheory>> {
    let n = scn.nodes.len();
    let poisson = scn.nodes.iter().all(|node| node.arrivals.as_ref().map_or(true, is_exponential));
    if !poisson {
        return vec![None; n];
    }
    let (p, gamma) = routing_and_external_rates(scn);
    let Some(lambda) = traffic_equations(&p, &gamma) else {
        return vec![None; n];
    };
    // ancestors[j][i]: i can route (in one or more steps) to j.
    let mut reach = p
        .iter()
        .map(|row| row.iter().map(|&x| x > 0.0).collect::<Vec<bool>>())
        .collect::<Vec<_>>();
    for k in 0..n {
        for i in 0..n {
            if reach[i][k] {
                let via = reach[k].clone();
                for (r, v) in reach[i].iter_mut().zip(via) {
                    *r |= v;
                }
            }
        }
    }
    let plain_mmc = |i: usize| {
        let node = &scn.nodes[i];
        is_exponential(&node.service) && node.capacity.is_none() && node.patience.is_none()
    };
    (0..n)
        .map(|j| {
            let node = &scn.nodes[j];
            let upstream: Vec<usize> = (0..n).filter(|&i| i != j && reach[i][j]).collect();
            let upstream_mmc = upstream.iter().all(|&i| plain_mmc(i));
            if !upstream_mmc {
                return None;
            }
            if plain_mmc(j) {
                return mmc(node.servers, lambda[j], node.service.mean());
            }
            if node.patience.as_ref().is_some_and(|p| !is_exponential(p)) {
                return None;
            }
            let on_loop = reach[j][j] || upstream.iter().any(|&i| reach[i][i]);
            if on_loop {
                return None;
            }
            if let Some(patience) = &node.patience {
                return is_exponential(&node.service)
                    .then(|| mmc_abandonment(node.servers, node.capacity, lambda[j], node.service.mean(), patience.mean()));
            }
            match node.capacity {
                Some(k) if is_exponential(&node.service) => Some(mmck(node.servers, k, lambda[j], node.service.mean())),
                None if node.servers == 1 => mg1(lambda[j], node.service.mean(), node.service.variance()),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want}");
    }

    #[test]
    fn erlang_b_and_c_match_tables() {
        // Textbook values: B(5, 4) = 0.1991, C(2, 1) = 1/3, C(1, a) = a.
        close(erlang_b(5, 4.0), 0.199_067, 1e-6);
        close(erlang_b(1, 1.0), 0.5, 1e-12);
        close(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
        close(erlang_c(1, 0.7), 0.7, 1e-12);
        close(erlang_c(3, 2.4), 0.647_191, 1e-6);
    }

    #[test]
    fn mm1_closed_form() {
        let t = mmc(1, 1.0, 0.8).unwrap();
        close(t.wait, 3.2, 1e-12);
        close(t.queue, 3.2, 1e-12);
        close(t.in_system, 4.0, 1e-12);
        close(t.utilisation, 0.8, 1e-12);
        assert!(mmc(1, 1.0, 1.0).is_none());
    }

    #[test]
    fn mmck_reduces_to_erlang_b_and_to_mm1() {
        let loss = mmck(5, 5, 4.0, 1.0);
        close(loss.p_block, erlang_b(5, 4.0), 1e-12);
        close(loss.wait, 0.0, 1e-15);
        close(loss.in_system, 4.0 * (1.0 - loss.p_block), 1e-12);
        // M/M/1/K: P(block) = (1−ρ)ρ^K / (1−ρ^(K+1)).
        let rho: f64 = 0.9;
        let k = 6;
        let t = mmck(1, k, 0.9, 1.0);
        close(t.p_block, (1.0 - rho) * rho.powi(k as i32) / (1.0 - rho.powi(k as i32 + 1)), 1e-12);
        // Large K approaches M/M/1.
        let big = mmck(1, 2000, 0.8, 1.0);
        close(big.wait, 4.0, 1e-9);
    }

    #[test]
    fn erlang_a_limits() {
        // Very patient customers: M/M/c (and M/M/c/K) again.
        let t = mmc_abandonment(3, None, 2.0, 1.2, 1e9);
        let m = mmc(3, 2.0, 1.2).unwrap();
        close(t.queue, m.queue, 1e-6);
        close(t.utilisation, m.utilisation, 1e-6);
        let k = mmc_abandonment(2, Some(6), 2.0, 0.9, 1e12);
        close(k.p_block, mmck(2, 6, 2.0, 0.9).p_block, 1e-9);
        // Flow balance: admitted = served + reneged.
        let t = mmc_abandonment(2, None, 2.0, 1.0, 2.0);
        let served = t.utilisation * 2.0 / 1.0;
        close(served + t.p_renege * t.throughput, t.throughput, 1e-9);
        // M/M/1+M with patience equal to service time: p_n = ρⁿ/n! with
        // ρ = λ/μ, i.e. Poisson: L = ρ.
        let t = mmc_abandonment(1, None, 1.5, 1.0, 1.0);
        close(t.in_system, 1.5, 1e-9);
    }

    #[test]
    fn pollaczek_khinchine() {
        // M/D/1 at ρ = 0.7: Wq = ρ E[S] / (2 (1 − ρ)).
        let t = mg1(0.7, 1.0, 0.0).unwrap();
        close(t.wait, 0.7 / 0.6, 1e-12);
        // Exponential service gives back M/M/1.
        close(mg1(1.0, 0.8, 0.64).unwrap().wait, 3.2, 1e-12);
    }

    /// ref-net (/work/shared/peers/README.md, analytic.py).
    #[test]
    fn jackson_ref_net_matches_peer_table() {
        let p = vec![
            vec![0.0, 0.70, 0.15, 0.15],
            vec![0.0; 4],
            vec![0.0, 0.0, 0.0, 0.60],
            vec![0.2, 0.0, 0.0, 0.0],
        ];
        let lambda = traffic_equations(&p, &[1.0, 0.0, 0.0, 0.0]).unwrap();
        let want_lambda = [1.05042, 0.73529, 0.15756, 0.25210];
        let servers = [2, 8, 2, 3];
        let mean = [1.5, 10.0, 12.0, 10.0];
        let want_rho = [0.7878, 0.9191, 0.9454, 0.8403];
        let want_wq = [2.4542, 11.6601, 100.9304, 14.9067];
        for j in 0..4 {
            close(lambda[j], want_lambda[j], 1e-5);
            let t = mmc(servers[j], lambda[j], mean[j]).unwrap();
            close(t.utilisation, want_rho[j], 1e-4);
            close(t.wait, want_wq[j], 1e-4);
            close(t.sojourn, want_wq[j] + mean[j], 1e-4);
        }
        // A closed loop has no solution.
        assert!(traffic_equations(&[vec![0.0, 1.0], vec![1.0, 0.0]], &[1.0, 0.0]).is_none());
    }
}
