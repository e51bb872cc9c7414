fn main() {
    let l = signpost::scenario::load::load_default().unwrap();
    for arm in &l.arms {
        let t = std::time::Instant::now();
        let out = signpost::model::run_replication(&arm.scenario, 1, 0, 0);
        let el = t.elapsed().as_secs_f64();
        println!("== {} {:.2}s {:.1}M ev/s {:?}", arm.name, el, out.events as f64 / el / 1e6, out.conservation);
        for (k, v) in &out.metrics { print!("{k}={v:.3} "); }
        println!();
    }
}
