//! The one boundary between what the user wrote and what runs: parse the
//! TOML, check every rule, and say precisely where a rule is broken
//! (`file:line:col: network.nodes[2].servers: must be >= 1, found 0`).

use super::spec::{Destination, NetworkScenario, Node, RawNetworkScenario, RawNode, EXIT, ROUTE_EXIT};
use crate::engine::Categorical;
use crate::error::ScenarioError;
use crate::scenario::dist::{Dist, DistSpec};
use crate::scenario::keys;
use crate::text::show_number;

/// At most this many nodes: larger networks are almost surely a generated
/// file gone wrong, and the per-node output would be unreadable.
pub const MAX_NODES: usize = 1_000;
/// At most this many servers at one node.
pub const MAX_SERVERS: i64 = 1_000_000;
/// At most this capacity at one node (when bounded).
pub const MAX_CAPACITY: i64 = 100_000_000;
/// At most this many values in an empirical distribution.
pub const MAX_EMPIRICAL_VALUES: usize = 1_000_000;
/// Warm-up plus horizon may not exceed this \[minutes\] (~1.9 million years):
/// beyond it, f64 event times lose sub-minute resolution.
pub const MAX_RUN_MINUTES: f64 = 1e12;
/// Routing probabilities must sum to 1 within this tolerance.
pub const ROUTING_SUM_TOLERANCE: f64 = 1e-9;

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn render(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                let plain = !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    s.push_str(k);
                } else {
                    s.push_str(&format!("{k:?}"));
                }
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

fn node_path(i: usize) -> Vec<Seg> {
    vec![key("network"), key("nodes"), Seg::Index(i)]
}

fn node_key(i: usize, k: &str) -> Vec<Seg> {
    let mut p = node_path(i);
    p.push(key(k));
    p
}

/// Where `path` is written in `text`, via the shared key-path locator.
fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    keys::locate(text, &render(path))
}

/// Collects the context needed to build located errors.
struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn err(&self, path: &[Seg], message: impl Into<String>) -> ScenarioError {
        ScenarioError::key(self.file, render(path), message).at(locate(self.text, path))
    }
}

/// Parses and checks a network scenario held in memory. `file` names it in
/// messages (a path, or a label such as `<built-in mm1>`).
pub fn load_str(text: &str, file: &str) -> Result<NetworkScenario, ScenarioError> {
    let de = toml::Deserializer::new(text);
    let raw: RawNetworkScenario = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let location = inner.span().map(|s| keys::line_col(text, s.start));
        // toml's messages can span lines ("invalid string\nexpected `\"`");
        // keep the error on one line, in the words the scenario loader uses.
        let message = inner.message().trim().lines().map(str::trim).collect::<Vec<_>>().join("; ");
        let message = crate::scenario::load::serde_message(&message);
        let top_level = !path.contains(['.', '[']);
        let message = if top_level && message.starts_with("unknown key") {
            format!("{message} (a file with a [network] table is a queueing-network scenario)")
        } else {
            message
        };
        let err = if path.is_empty() || path == "." {
            ScenarioError::file(file, message)
        } else {
            ScenarioError::key(file, path, message)
        };
        err.at(location)
    })?;
    validate(raw, &Ctx { file, text })
}

/// Whether `text` is a network scenario (has a top-level `[network]`
/// table), for a loader that serves both kinds of scenario. Text that is not
/// valid TOML is not a network scenario; the caller's own parser reports it.
pub fn is_network(text: &str) -> bool {
    text.parse::<toml::Table>().is_ok_and(|t| t.contains_key("network"))
}

/// Reads, parses and checks a network scenario file.
pub fn load(path: &std::path::Path) -> Result<NetworkScenario, ScenarioError> {
    let file = path.display().to_string();
    let text = crate::scenario::load::read_text(path, &file)?;
    load_str(&text, &file)
}

fn finite_in(path: &[Seg], ctx: &Ctx, v: f64, lo: f64, hi: f64, what: &str) -> Result<(), ScenarioError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(ctx.err(path, format!("must be {what}, found {}", show_number(v))))
    }
}

fn dist(ctx: &Ctx, path: &[Seg], spec: &DistSpec) -> Result<Dist, ScenarioError> {
    if let DistSpec::Empirical { values } = spec {
        if values.len() > MAX_EMPIRICAL_VALUES {
            return Err(ctx.err(
                path,
                format!("values: at most {MAX_EMPIRICAL_VALUES} values, found {}", values.len()),
            ));
        }
    }
    spec.build().map_err(|m| ctx.err(path, m))
}

fn validate(raw: RawNetworkScenario, ctx: &Ctx) -> Result<NetworkScenario, ScenarioError> {
    let name = raw.name.trim();
    if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(ctx.err(
            &[key("name")],
            format!("must be a non-empty name usable as a directory name, found {:?}", raw.name),
        ));
    }
    crate::limits::replications(raw.replications).map_err(|e| ctx.err(&[key("replications")], e.to_string()))?;
    let net = &raw.network;
    finite_in(
        &[key("network"), key("warmup")],
        ctx,
        net.warmup,
        0.0,
        MAX_RUN_MINUTES,
        "a finite number of minutes >= 0",
    )?;
    if !(net.horizon.is_finite() && net.horizon > 0.0) {
        return Err(ctx.err(
            &[key("network"), key("horizon")],
            format!("must be a finite number of minutes > 0, found {}", show_number(net.horizon)),
        ));
    }
    if net.warmup + net.horizon > MAX_RUN_MINUTES {
        return Err(ctx.err(
            &[key("network"), key("horizon")],
            format!(
                "warmup + horizon must be <= {MAX_RUN_MINUTES:e} minutes, found {:e}",
                net.warmup + net.horizon
            ),
        ));
    }
    if net.nodes.is_empty() || net.nodes.len() > MAX_NODES {
        return Err(ctx.err(
            &[key("network"), key("nodes")],
            format!("must list between 1 and {MAX_NODES} nodes, found {}", net.nodes.len()),
        ));
    }
    for (i, n) in net.nodes.iter().enumerate() {
        let ok = !n.name.is_empty() && n.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            return Err(ctx.err(
                &node_key(i, "name"),
                format!(
                    "must be letters, digits, `_` or `-` only (it names metrics and CSV columns), found {:?}",
                    n.name
                ),
            ));
        }
        if n.name == EXIT {
            return Err(ctx.err(&node_key(i, "name"), "`exit` is reserved for leaving the network"));
        }
        if let Some(j) = net.nodes[..i].iter().position(|m| m.name == n.name) {
            return Err(ctx.err(
                &node_key(i, "name"),
                format!("duplicate node name `{}` (also network.nodes[{j}])", n.name),
            ));
        }
    }
    let mut nodes = Vec::with_capacity(net.nodes.len());
    for (i, n) in net.nodes.iter().enumerate() {
        nodes.push(validate_node(ctx, i, n, &net.nodes)?);
    }
    if nodes.iter().all(|n| n.arrivals.is_none()) {
        return Err(ctx.err(
            &[key("network"), key("nodes")],
            "at least one node needs external `arrivals`, found none",
        ));
    }
    check_reachability(ctx, &nodes)?;
    Ok(NetworkScenario {
        file: ctx.file.to_string(),
        name: name.to_string(),
        description: raw.description.clone(),
        seed: raw.seed,
        replications: raw.replications as u64,
        warmup: net.warmup,
        horizon: net.horizon,
        nodes,
        raw,
    })
}

fn validate_node(ctx: &Ctx, i: usize, n: &RawNode, all: &[RawNode]) -> Result<Node, ScenarioError> {
    if n.servers < 1 || n.servers > MAX_SERVERS {
        return Err(ctx.err(
            &node_key(i, "servers"),
            format!("must be between 1 and {MAX_SERVERS}, found {}", n.servers),
        ));
    }
    let service = dist(ctx, &node_key(i, "service"), &n.service)?;
    let arrivals = match &n.arrivals {
        None => None,
        Some(spec) => {
            let d = dist(ctx, &node_key(i, "arrivals"), spec)?;
            let positive = d.mean() > 0.0;
            if !positive {
                return Err(ctx.err(
                    &node_key(i, "arrivals"),
                    format!(
                        "mean time between arrivals must be > 0 (else arrivals never stop), found {}",
                        d.mean()
                    ),
                ));
            }
            Some(d)
        }
    };
    let capacity = match n.capacity {
        0 => None,
        c if c >= n.servers && c <= MAX_CAPACITY => Some(c as u32),
        c => {
            return Err(ctx.err(
                &node_key(i, "capacity"),
                format!(
                    "must be 0 (unbounded) or between servers ({}) and {MAX_CAPACITY}, found {c}",
                    n.servers
                ),
            ))
        }
    };
    let patience = match &n.patience {
        None => None,
        Some(spec) => Some(dist(ctx, &node_key(i, "patience"), spec)?),
    };
    let mut routing = Vec::new();
    let mut sum = 0.0;
    let table: Vec<(&str, f64)> = if n.routing.is_empty() {
        vec![(EXIT, 1.0)]
    } else {
        n.routing.iter().map(|(k, v)| (k.as_str(), *v)).collect()
    };
    for (to, p) in table {
        let mut path = node_key(i, "routing");
        path.push(key(to));
        let dest = if to == EXIT {
            Destination::Exit
        } else if let Some(j) = all.iter().position(|m| m.name == to) {
            Destination::Node(j)
        } else {
            let hint = keys::did_you_mean(to, all.iter().map(|m| m.name.as_str()).chain([EXIT]));
            return Err(ctx.err(&path, format!("unknown node `{to}`{hint}")));
        };
        finite_in(&path, ctx, p, 0.0, 1.0, "a probability in [0, 1]")?;
        sum += p;
        if p > 0.0 {
            routing.push((dest, p));
        }
    }
    if (sum - 1.0).abs() > ROUTING_SUM_TOLERANCE {
        return Err(ctx.err(
            &node_key(i, "routing"),
            format!(
                "probabilities must sum to 1 (within {ROUTING_SUM_TOLERANCE:e}), found {}",
                show_number(sum)
            ),
        ));
    }
    // Each probability divided by the sum, then summed: the order the
    // thresholds have always been computed in.
    let routing_choice = Categorical::cumulative(routing.iter().map(|&(d, p)| {
        let to = match d {
            Destination::Exit => ROUTE_EXIT,
            Destination::Node(j) => j as u32,
        };
        (to, p / sum)
    }))
    .closed_at(1.0);
    Ok(Node {
        name: n.name.clone(),
        servers: n.servers as u32,
        service,
        arrivals,
        capacity,
        patience,
        routing,
        routing_choice,
    })
}

/// Every node must be visited (from some node with arrivals) and must be
/// able to reach `exit`; otherwise customers would pile up for ever in a
/// closed routing loop.
fn check_reachability(ctx: &Ctx, nodes: &[Node]) -> Result<(), ScenarioError> {
    let n = nodes.len();
    let mut visited = vec![false; n];
    let mut stack: Vec<usize> = (0..n).filter(|&i| nodes[i].arrivals.is_some()).collect();
    for &i in &stack {
        visited[i] = true;
    }
    while let Some(i) = stack.pop() {
        for (d, _) in &nodes[i].routing {
            if let Destination::Node(j) = *d {
                if !visited[j] {
                    visited[j] = true;
                    stack.push(j);
                }
            }
        }
    }
    if let Some(i) = visited.iter().position(|v| !v) {
        return Err(ctx.err(
            &node_path(i),
            format!(
                "node `{}` is never visited: it has no `arrivals` and no visited node routes to it",
                nodes[i].name
            ),
        ));
    }
    // Backwards from exit.
    let mut leaves = vec![false; n];
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            if !leaves[i]
                && nodes[i].routing.iter().any(|(d, _)| match *d {
                    Destination::Exit => true,
                    Destination::Node(j) => leaves[j],
                })
            {
                leaves[i] = true;
                changed = true;
            }
        }
    }
    if let Some(i) = leaves.iter().position(|v| !v) {
        let trapped: Vec<&str> = (0..n).filter(|&j| !leaves[j]).map(|j| nodes[j].name.as_str()).collect();
        return Err(ctx.err(
            &node_key(i, "routing"),
            format!(
                "customers at `{}` can never reach `exit`: closed routing loop through {}",
                nodes[i].name,
                trapped.join(", ")
            ),
        ));
    }
    Ok(())
}
