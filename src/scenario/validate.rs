//! The one boundary where a [`RawScenario`] is checked and prepared. Every
//! error names the key path and the rule broken.

use super::keys::did_you_mean;
use super::raw::{Mode, RawScenario, Training};
use super::{Place, Scenario};
use crate::engine::calendar::{parse_clock, Calendar, Date, MINUTES_PER_DAY};
use crate::engine::Categorical;
use crate::error::ScenarioError;
use crate::text::show_number;
use checker::{Check, Checker};
use routing::{build_routing, tier};

mod checker;
mod groups;
mod online;
mod pharmacy_first;
mod practices;
mod routing;
mod season;

/// Tolerance for shares that must sum to 1.
const SHARE_TOLERANCE: f64 = 1e-6;

/// Checks `raw` and prepares everything the model needs. `file` and `text`
/// are the user's file and its text, for error locations.
pub fn validate(raw: &RawScenario, file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let c = Checker { file, text };

    // Identity and size.
    let name = raw.name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(c.fail("name", format!("must be 1 to 64 characters, found {} characters", name.len())));
    }
    if name.starts_with('.') || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.')) {
        return Err(c.fail(
            "name",
            format!("`{name}` must use only letters, digits, '-', '_' and '.' (it names the output directory) and not start with '.'"),
        ));
    }
    crate::limits::replications(raw.replications).map_err(|e| c.fail("replications", e.to_string()))?;
    super::local_targets::check(&raw.local_targets, file, text)?;

    // Time.
    let t = &raw.time;
    let start = Date::parse(&t.start_date).ok_or_else(|| {
        c.fail(
            "time.start_date",
            format!("must be a date YYYY-MM-DD between 1900 and 2200, found `{}`", t.start_date),
        )
    })?;
    c.non_negative("time.warmup_days", t.warmup_days)?;
    c.at_most("time.warmup_days", t.warmup_days, 3650.0, "ten years")?;
    c.positive("time.horizon_days", t.horizon_days)?;
    c.at_most("time.horizon_days", t.horizon_days, 3650.0, "ten years")?;
    let open = parse_clock(&t.open).ok_or_else(|| c.fail("time.open", format!("must be a time HH:MM, found `{}`", t.open)))?;
    let close = parse_clock(&t.close).ok_or_else(|| c.fail("time.close", format!("must be a time HH:MM, found `{}`", t.close)))?;
    if close <= open {
        return Err(c.fail("time.close", format!("must be after time.open ({}), found {}", t.open, t.close)));
    }
    c.length("time.open_weekdays", t.open_weekdays.len(), 7, "Monday to Sunday")?;
    let mut open_weekdays = [false; 7];
    open_weekdays.copy_from_slice(&t.open_weekdays);
    if !open_weekdays.iter().any(|&o| o) {
        return Err(c.fail("time.open_weekdays", "the practice must open on at least one weekday"));
    }
    let mut holidays = Vec::new();
    for (i, h) in t.bank_holidays.iter().enumerate() {
        holidays.push(Date::parse(h).ok_or_else(|| {
            c.fail(
                &format!("time.bank_holidays[{i}]"),
                format!("must be a date YYYY-MM-DD, found `{h}`"),
            )
        })?);
    }
    let warmup_minutes = t.warmup_days * MINUTES_PER_DAY;
    let end_minutes = warmup_minutes + t.horizon_days * MINUTES_PER_DAY;
    let max_horizon = raw
        .gp
        .booking_horizon_days
        .max(raw.roles.iter().map(|r| r.booking_horizon_days).max().unwrap_or(0));
    let calendar_days = (end_minutes / MINUTES_PER_DAY).ceil() as usize + max_horizon as usize + 2;
    let calendar = Calendar::new(start, calendar_days, open, close, open_weekdays, &holidays);

    // Population.
    let p = &raw.population;
    crate::limits::list_size(p.list_size).map_err(|e| c.fail("population.list_size", e.to_string()))?;
    c.positive("population.contacts_per_patient_year", p.contacts_per_patient_year)?;
    c.at_most(
        "population.contacts_per_patient_year",
        p.contacts_per_patient_year,
        100.0,
        "contacts per patient per year",
    )?;
    c.positive("population.contact_rate_shape", p.contact_rate_shape)?;
    c.probability("population.rural_share", p.rural_share)?;
    let weekday_weights = c.weekly("population.weekday_weights", &p.weekday_weights)?;
    c.sums_to_one("population.weekday_weights", weekday_weights)?;
    if p.hour_blocks.is_empty() {
        return Err(c.fail("population.hour_blocks", "must list at least one block"));
    }
    let mut hour_blocks = Vec::new();
    for (i, b) in p.hour_blocks.iter().enumerate() {
        let key = format!("population.hour_blocks[{i}]");
        let from =
            parse_clock(&b.from).ok_or_else(|| c.fail(&format!("{key}.from"), format!("must be a time HH:MM, found `{}`", b.from)))?;
        let to = parse_clock(&b.to).ok_or_else(|| c.fail(&format!("{key}.to"), format!("must be a time HH:MM, found `{}`", b.to)))?;
        if from < open || to > close || to <= from {
            return Err(c.fail(
                &key,
                format!(
                    "must be a non-empty block inside opening hours {}-{}, found {}-{}",
                    t.open, t.close, b.from, b.to
                ),
            ));
        }
        c.probability(&format!("{key}.share"), b.share)?;
        hour_blocks.push((from, to, b.share));
    }
    c.sums_to_one("population.hour_blocks", hour_blocks.iter().map(|b| b.2))?;
    c.length("population.month_multipliers", p.month_multipliers.len(), 12, "January to December")?;
    let mut month_multipliers = [0.0; 12];
    for (i, m) in p.month_multipliers.iter().enumerate() {
        c.non_negative(&format!("population.month_multipliers[{i}]"), *m)?;
        c.at_most(&format!("population.month_multipliers[{i}]"), *m, 10.0, "a seasonal multiplier")?;
        month_multipliers[i] = *m;
    }

    // Needs.
    if raw.needs.is_empty() || raw.needs.len() > 64 {
        return Err(c.fail("needs", format!("must list 1 to 64 need categories, found {}", raw.needs.len())));
    }
    let need_names: Vec<String> = raw.needs.iter().map(|n| n.name.clone()).collect();
    let role_names: Vec<String> = raw.roles.iter().map(|r| r.name.clone()).collect();
    let service_names: Vec<String> = raw.vcse.services.iter().map(|s| s.name.clone()).collect();
    for (list, key) in [(&need_names, "needs"), (&role_names, "roles"), (&service_names, "vcse.services")] {
        for (i, n) in list.iter().enumerate() {
            if n.trim().is_empty() || n.len() > 64 {
                return Err(c.fail(&format!("{key}[{i}].name"), "must be 1 to 64 characters"));
            }
            if !n.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_')) {
                return Err(c.fail(
                    &format!("{key}[{i}].name"),
                    format!("`{n}` must use only letters, digits, '-' and '_' (it is part of metric names)"),
                ));
            }
            if list[..i].contains(n) {
                return Err(c.fail(&format!("{key}[{i}].name"), format!("`{n}` is used twice")));
            }
        }
    }
    // Remits name needs: check the names before asking who serves each need.
    let role_remits = (raw.roles.iter().enumerate())
        .map(|(i, r)| c.remit(&format!("roles[{i}].remit"), &r.remit, &need_names))
        .collect::<Check<Vec<_>>>()?;
    let pharmacy_remit = c.remit("pharmacy.remit", &raw.pharmacy.remit, &need_names)?;
    let splw_remit = c.remit("splw.remit", &raw.splw.remit, &need_names)?;
    groups::check(&c, raw, &need_names)?;
    let pharmacy_first = pharmacy_first::prepare(&c, raw, &need_names)?;
    let service_serves = (raw.vcse.services.iter().enumerate())
        .map(|(i, svc)| c.remit(&format!("vcse.services[{i}].needs"), &svc.needs, &need_names))
        .collect::<Check<Vec<_>>>()?;
    let mut need_right = Vec::new();
    for (i, n) in raw.needs.iter().enumerate() {
        let key = format!("needs[{i}]");
        c.probability(&format!("{key}.share"), n.share)?;
        for (field, v) in [
            ("gp_resolve", n.gp_resolve),
            ("gp_follow_up", n.gp_follow_up),
            ("gp_refer_splw", n.gp_refer_splw),
        ] {
            c.probability(&format!("{key}.{field}"), v)?;
        }
        let dest = Place::parse_destination(&n.right).ok_or_else(|| {
            let hint = did_you_mean(&n.right, Place::DESTINATION_NAMES.iter().copied());
            c.fail(
                &format!("{key}.right"),
                format!(
                    "unknown destination `{}`{hint}; expected one of: {}",
                    n.right,
                    Place::DESTINATION_NAMES.join(", ")
                ),
            )
        })?;
        let served = match dest {
            Place::Role => role_remits.iter().any(|r| r[i]),
            Place::Vcse => service_serves.iter().any(|s| s[i]),
            Place::Pharmacy => pharmacy_remit[i],
            Place::Splw => splw_remit[i],
            Place::Gp | Place::Reception | Place::Practice => true,
        };
        if !served {
            return Err(c.fail(
                &format!("{key}.right"),
                format!(
                    "need `{}` goes to `{}`, but no such service has `{}` in its remit/needs",
                    n.name, n.right, n.name
                ),
            ));
        }
        need_right.push(dest);
    }
    c.sums_to_one("needs", raw.needs.iter().map(|n| n.share))
        .map_err(|e| ScenarioError {
            key: Some("needs[].share".into()),
            ..e
        })?;
    let need_mix_by_month = season::need_mix_by_month(&c, raw, &mut month_multipliers)?;

    // Navigation.
    let nav = &raw.navigation;
    c.non_negative("navigation.start_day", nav.start_day)?;
    if nav.servers == 0 || nav.servers > 10_000 {
        return Err(c.fail("navigation.servers", format!("must be between 1 and 10000, found {}", nav.servers)));
    }
    let handling = c.dist("navigation.handling_minutes", &nav.handling_minutes)?;
    let patience = c.dist("navigation.patience_minutes", &nav.patience_minutes)?;
    let retry_delay = c.dist("navigation.retry_delay_minutes", &nav.retry_delay_minutes)?;
    if handling.mean() <= 0.0 {
        return Err(c.fail("navigation.handling_minutes", "mean handling time must be > 0"));
    }
    c.probability("navigation.retry_probability", nav.retry_probability)?;
    c.non_negative("navigation.directory_refresh_days", nav.directory_refresh_days)?;
    c.non_negative("navigation.acceptable_wait_weeks", nav.acceptable_wait_weeks)?;
    c.probability("navigation.acceptance", nav.acceptance)?;
    c.probability("navigation.awareness", nav.awareness)?;
    c.probability("navigation.trust_loss", nav.trust_loss)?;
    for training in [Training::None, Training::Essential, Training::Enhanced, Training::Expert] {
        let (tr, key) = tier(raw, training);
        c.probability(&format!("{key}.identify"), tr.identify)?;
        c.probability(&format!("{key}.misroute"), tr.misroute)?;
        c.probability(&format!("{key}.clinical_sent_away"), tr.clinical_sent_away)?;
        c.non_negative(&format!("{key}.annual_cost"), tr.annual_cost)?;
        for (need, row) in &tr.routing {
            let rkey = format!("{key}.routing.{need}");
            c.need_index(&rkey, need, &need_names)?;
            for (dest, p) in row {
                if Place::parse_destination(dest).is_none() {
                    let hint = did_you_mean(dest, Place::DESTINATION_NAMES.iter().copied());
                    return Err(c.fail(&format!("{rkey}.{dest}"), format!("unknown destination `{dest}`{hint}")));
                }
                c.probability(&format!("{rkey}.{dest}"), *p)?;
            }
            c.sums_to_one(&rkey, row.values().copied())?;
        }
    }
    let (active_tier, _) = tier(raw, nav.training);
    let routing = build_routing(raw, active_tier, &need_right);

    // GP diary.
    let gp = &raw.gp;
    c.non_negative("gp.fte", gp.fte)?;
    c.at_most("gp.fte", gp.fte, 10_000.0, "a PCN-sized workforce")?;
    c.positive("gp.appointments_per_fte_day", gp.appointments_per_fte_day)?;
    c.at_most(
        "gp.appointments_per_fte_day",
        gp.appointments_per_fte_day,
        200.0,
        "appointments a day",
    )?;
    let gp_rota = c.weekly("gp.rota", &gp.rota)?;
    c.probability("gp.same_day_share", gp.same_day_share)?;
    if gp.booking_horizon_days == 0 || gp.booking_horizon_days > 365 {
        return Err(c.fail(
            "gp.booking_horizon_days",
            format!("must be between 1 and 365, found {}", gp.booking_horizon_days),
        ));
    }
    if gp.lead_time_bands.is_empty() {
        return Err(c.fail("gp.lead_time_bands", "must list at least one band"));
    }
    for (i, b) in gp.lead_time_bands.iter().enumerate() {
        let key = format!("gp.lead_time_bands[{i}]");
        if b.from > b.to || b.to > gp.booking_horizon_days {
            return Err(c.fail(
                &key,
                format!(
                    "must have from <= to <= gp.booking_horizon_days ({}), found {}..{}",
                    gp.booking_horizon_days, b.from, b.to
                ),
            ));
        }
        c.probability(&format!("{key}.share"), b.share)?;
    }
    c.sums_to_one("gp.lead_time_bands", gp.lead_time_bands.iter().map(|b| b.share))?;
    if gp.dna_bands.is_empty() {
        return Err(c.fail("gp.dna_bands", "must list at least one band"));
    }
    for (i, b) in gp.dna_bands.iter().enumerate() {
        c.probability(&format!("gp.dna_bands[{i}].probability"), b.probability)?;
        if i > 0 && b.max_lead_days <= gp.dna_bands[i - 1].max_lead_days {
            return Err(c.fail(
                &format!("gp.dna_bands[{i}].max_lead_days"),
                "bands must be in increasing order of max_lead_days",
            ));
        }
    }
    if gp.dna_bands.last().map_or(0, |b| b.max_lead_days) < max_horizon {
        return Err(c.fail(
            "gp.dna_bands",
            format!("the last band must cover the longest booking horizon ({max_horizon} days)"),
        ));
    }
    c.non_negative("gp.follow_up_days", gp.follow_up_days)?;
    c.probability("gp.callback_probability", gp.callback_probability)?;
    c.positive("gp.callback_delay_days", gp.callback_delay_days)?;
    c.probability("gp.prebooked_share", gp.prebooked_share)?;
    let horizon_days = t.warmup_days + t.horizon_days;
    let gp_changes = c.changes("gp.changes", &gp.changes, horizon_days)?;

    // Roles.
    let mut roles = Vec::new();
    for ((i, r), remit) in raw.roles.iter().enumerate().zip(role_remits) {
        let key = format!("roles[{i}]");
        c.non_negative(&format!("{key}.fte"), r.fte)?;
        c.at_most(&format!("{key}.fte"), r.fte, 10_000.0, "a PCN-sized workforce")?;
        c.positive(&format!("{key}.appointments_per_fte_day"), r.appointments_per_fte_day)?;
        c.at_most(
            &format!("{key}.appointments_per_fte_day"),
            r.appointments_per_fte_day,
            200.0,
            "appointments a day",
        )?;
        c.probability(&format!("{key}.navigation_share"), r.navigation_share)?;
        c.probability(&format!("{key}.same_day_share"), r.same_day_share)?;
        if r.booking_horizon_days == 0 || r.booking_horizon_days > 365 {
            return Err(c.fail(
                &format!("{key}.booking_horizon_days"),
                format!("must be between 1 and 365, found {}", r.booking_horizon_days),
            ));
        }
        c.non_negative(&format!("{key}.weight"), r.weight)?;
        c.non_negative(&format!("{key}.annual_cost_per_fte"), r.annual_cost_per_fte)?;
        roles.push(super::PreparedRole {
            rota: c.weekly(&format!("{key}.rota"), &r.rota)?,
            changes: c.changes(&format!("{key}.changes"), &r.changes, horizon_days)?,
            remit,
        });
    }
    if need_right.contains(&Place::Role) && raw.roles.iter().all(|r| r.weight <= 0.0) {
        return Err(c.fail("roles", "a need goes to `role`, but no role has a weight > 0"));
    }

    // Pharmacy.
    let ph = &raw.pharmacy;
    c.probability("pharmacy.resolve", ph.resolve)?;
    c.probability("pharmacy.attend", ph.attend)?;
    let pharmacy_delay = c.dist("pharmacy.delay_hours", &ph.delay_hours)?;
    c.probability("pharmacy.urgent_return_share", ph.urgent_return_share)?;
    c.non_negative("pharmacy.fee", ph.fee)?;

    // Link workers.
    let s = &raw.splw;
    c.non_negative("splw.fte", s.fte)?;
    c.at_most("splw.fte", s.fte, 10_000.0, "a PCN-sized workforce")?;
    c.non_negative("splw.caseload_per_fte", s.caseload_per_fte)?;
    c.at_most("splw.caseload_per_fte", s.caseload_per_fte, 1_000.0, "people per link worker")?;
    c.probability("splw.admin_share", s.admin_share)?;
    c.probability("splw.mdt_time_share", s.mdt_time_share)?;
    if s.admin_share + if s.mdt { s.mdt_time_share } else { 0.0 } > 1.0 {
        return Err(c.fail("splw.admin_share", "admin_share + mdt_time_share must not exceed 1"));
    }
    c.probability("splw.refuse_per_week_wait", s.refuse_per_week_wait)?;
    for (field, v) in [
        ("screen_out_of_remit", s.screen_out_of_remit),
        ("dependency_probability", s.dependency_probability),
        ("disengage_per_session", s.disengage_per_session),
        ("link_probability", s.link_probability),
        ("unserved_share", s.unserved_share),
        ("resolve_without_link", s.resolve_without_link),
        ("complex_resolve_factor", s.complex_resolve_factor),
        ("mdt_complex_boost", s.mdt_complex_boost),
        ("absence_probability", s.absence_probability),
        ("re_referral_probability", s.re_referral_probability),
        ("wait_dropout_per_week", s.wait_dropout_per_week),
        ("cut_short_relapse", s.cut_short_relapse),
        ("mdt_held_weekly_resolve", s.mdt_held_weekly_resolve),
    ] {
        c.probability(&format!("splw.{field}"), v)?;
    }
    c.positive("splw.sessions_mean", s.sessions_mean)?;
    c.at_most("splw.sessions_mean", s.sessions_mean, 1_000.0, "sessions per person")?;
    c.positive("splw.session_interval_days", s.session_interval_days)?;
    if s.max_sessions == 0 {
        return Err(c.fail("splw.max_sessions", "must be at least 1"));
    }
    if s.full_effect_sessions > 1_000 {
        return Err(c.fail("splw.full_effect_sessions", "must be at most 1000 sessions (0 = no dose-response)"));
    }
    if s.link_at_session == 0 {
        return Err(c.fail("splw.link_at_session", "must be at least 1 (the first session is the assessment)"));
    }
    c.positive("splw.hold_timeout_days", s.hold_timeout_days)?;
    c.positive("splw.re_referral_delay_days", s.re_referral_delay_days)?;
    c.non_negative("splw.annual_cost_per_fte", s.annual_cost_per_fte)?;
    let splw_rota = c.weekly("splw.rota", &s.rota)?;
    let splw_changes = c.changes("splw.changes", &s.changes, horizon_days)?;
    if s.initial_caseload > 100_000 || s.initial_waitlist > 100_000 {
        return Err(c.fail(
            "splw.initial_caseload",
            "initial caseload and waiting list must each be at most 100000 people",
        ));
    }

    // Voluntary sector.
    let v = &raw.vcse;
    c.non_negative("vcse.funding", v.funding)?;
    c.at_most("vcse.funding", v.funding, 100.0, "a funding multiplier")?;
    c.non_negative("vcse.transport_annual_cost", v.transport_annual_cost)?;
    let (vcse_funding_changes, places_changes) = season::vcse_schedules(&c, raw, horizon_days)?;
    let mut services = Vec::new();
    for (((i, svc), serves), places_changes) in v.services.iter().enumerate().zip(service_serves).zip(places_changes) {
        let key = format!("vcse.services[{i}]");
        if svc.places > 1_000_000 || svc.waitlist_cap > 1_000_000 {
            return Err(c.fail(&format!("{key}.places"), "places and waitlist_cap must each be at most 1000000"));
        }
        c.positive(&format!("{key}.programme_weeks"), svc.programme_weeks)?;
        c.at_most(&format!("{key}.programme_weeks"), svc.programme_weeks, 520.0, "ten years")?;
        for (field, p) in [
            ("attendance", svc.attendance),
            ("rural_attendance", svc.rural_attendance),
            ("resolve", svc.resolve),
        ] {
            c.probability(&format!("{key}.{field}"), p)?;
        }
        c.non_negative(&format!("{key}.closure_hazard_per_year"), svc.closure_hazard_per_year)?;
        c.at_most(
            &format!("{key}.closure_hazard_per_year"),
            svc.closure_hazard_per_year,
            365.0,
            "closures per year",
        )?;
        c.non_negative(&format!("{key}.closure_weeks"), svc.closure_weeks)?;
        c.non_negative(&format!("{key}.annual_cost_per_place"), svc.annual_cost_per_place)?;
        c.length(&format!("{key}.open_weekdays"), svc.open_weekdays.len(), 7, "Monday to Sunday")?;
        if !svc.open_weekdays.iter().any(|&o| o) {
            return Err(c.fail(
                &format!("{key}.open_weekdays"),
                "a service must start programmes on at least one weekday",
            ));
        }
        if svc.initial_occupancy > svc.places {
            return Err(c.fail(
                &format!("{key}.initial_occupancy"),
                format!("must not exceed places ({}), found {}", svc.places, svc.initial_occupancy),
            ));
        }
        if svc.waitlist_cap > 0 && svc.initial_waitlist > svc.waitlist_cap {
            return Err(c.fail(
                &format!("{key}.initial_waitlist"),
                format!(
                    "must not exceed waitlist_cap ({}), found {}",
                    svc.waitlist_cap, svc.initial_waitlist
                ),
            ));
        }
        let mut open = [false; 7];
        open.copy_from_slice(&svc.open_weekdays);
        services.push(super::PreparedService {
            serves,
            open_weekdays: open,
            places_changes,
        });
    }

    // Bounce-back.
    let b = &raw.bounce;
    c.probability("bounce.return_probability", b.return_probability)?;
    let return_delay = c.dist("bounce.return_delay_days", &b.return_delay_days)?;
    c.probability("bounce.repeat_probability", b.repeat_probability)?;
    let repeat_delay = c.dist("bounce.repeat_delay_days", &b.repeat_delay_days)?;
    if !(b.social_contact_change.is_finite() && (-1.0..=1.0).contains(&b.social_contact_change)) {
        return Err(c.fail(
            "bounce.social_contact_change",
            format!("must be between -1 and 1, found {}", show_number(b.social_contact_change)),
        ));
    }
    let k = &raw.costs;
    c.non_negative("costs.gp_appointment", k.gp_appointment)?;
    c.non_negative("costs.gp_hour", k.gp_hour)?;
    c.non_negative("costs.gp_minutes_per_appointment", k.gp_minutes_per_appointment)?;
    if !(k.gp_working_days_per_fte_year.is_finite() && k.gp_working_days_per_fte_year > 0.0 && k.gp_working_days_per_fte_year <= 366.0) {
        return Err(c.fail(
            "costs.gp_working_days_per_fte_year",
            format!(
                "must be above 0 and at most 366, found {}",
                show_number(k.gp_working_days_per_fte_year)
            ),
        ));
    }
    c.non_negative("costs.role_appointment", k.role_appointment)?;
    c.non_negative("costs.navigator_hour", k.navigator_hour)?;
    c.non_negative("costs.navigator_minutes_per_signpost", k.navigator_minutes_per_signpost)?;
    crate::limits::journeys(raw.report.journeys).map_err(|e| c.fail("report.journeys", e.to_string()))?;
    let online = online::prepare(&c, raw, &need_right)?;
    let (practices, training_cost) = practices::prepare(&c, raw, &routing, &need_right, &calendar)?;

    Ok(Scenario {
        raw: raw.clone(),
        calendar,
        warmup_minutes,
        end_minutes,
        weekday_weights,
        hour_blocks,
        month_multipliers,
        need_right,
        routing,
        lead_bands: Categorical::cumulative(raw.gp.lead_time_bands.iter().map(|b| b.share).enumerate()),
        active: nav.mode == Mode::Active,
        training_cost,
        handling,
        patience,
        retry_delay,
        gp_rota,
        gp_changes,
        roles,
        pharmacy_remit,
        pharmacy_delay,
        splw_remit,
        splw_rota,
        splw_changes,
        services,
        return_delay,
        repeat_delay,
        online,
        need_mix_by_month,
        vcse_funding_changes,
        pharmacy_first_reported: pharmacy_first.is_some(),
        pharmacy_first,
        practices,
    })
}
