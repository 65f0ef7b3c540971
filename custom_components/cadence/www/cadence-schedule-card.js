// Cadence schedule card: the week Cadence learned for a thermostat, at a glance.
//
// Served by the integration itself (no download, no build step) and listed in the
// dashboard's card picker. It asks `cadence/schedule` (the answer of the action
// `cadence.get_schedule`) for the thermostat's
// changes and, where a zone is given, for the stretches when it is likely
// occupied, and draws one bar per day, in the user's language. Below the week,
// `cadence/today` gives today's learned curve beside the setpoints actually set
// (from the recorder), the zone's occupancy forecast for the next 24 h, and a
// week of its alerts. Tapping (or pointing at) any part says what it shows.
//
//   type: custom:cadence-schedule-card
//   entity: climate.living_room     # a thermostat Cadence learns
//   zone: living_room               # optional: the area of a Cadence zone
//   setpoint: target_temp_low       # optional: temperature, target_temp_low/high
//   title: Living room              # optional

const CARD = "cadence-schedule-card";
const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const REFRESH_MS = 15 * 60 * 1000;
const RETRY_MS = 60 * 1000;
// Answers that are not failures: asking again soon would only tell the same.
const KNOWN = ["nothing_learned", "not_learned", "setpoint_not_learned"];

const STRINGS = {
  en: {
    name: "Cadence schedule",
    description: "The week Cadence has learned for a thermostat, with when the zone is usually occupied.",
    title: "Learned week",
    loading: "Reading what Cadence learned…",
    nothing: "Nothing learned yet: Cadence learns from the setpoints people choose on this thermostat.",
    failed: "Cadence could not answer: {error}",
    no_entity: "Choose a thermostat that Cadence learns.",
    occupied: "usually occupied",
    until: "until",
    entity: "Thermostat",
    zone: "Zone (optional, for occupancy)",
    title_field: "Title",
    setpoint: "Setpoint (optional; a heat/cool range shows its low end)",
    today: "Today",
    learned: "learned",
    actual: "set",
    next_day: "Occupancy, next 24 h",
    alerts: "Alerts, last 7 days",
    no_alerts: "No alerts in the last 7 days.",
    likely: "{value} % likely occupied",
    alert_on: "{name}: on {from} – {to}",
    still_on: "still on",
    tap: "Tap or point at the chart for details.",
  },
  de: {
    name: "Cadence-Zeitplan",
    description: "Die Woche, die Cadence für ein Thermostat gelernt hat, mit den Zeiten, in denen die Zone meist belegt ist.",
    title: "Gelernte Woche",
    loading: "Lese, was Cadence gelernt hat…",
    nothing: "Noch nichts gelernt: Cadence lernt aus den Sollwerten, die Menschen an diesem Thermostat wählen.",
    failed: "Cadence konnte nicht antworten: {error}",
    no_entity: "Wähle ein Thermostat, das Cadence lernt.",
    occupied: "meist belegt",
    until: "bis",
    entity: "Thermostat",
    zone: "Zone (optional, für die Belegung)",
    title_field: "Titel",
    setpoint: "Sollwert (optional; ein Heiz-/Kühlbereich zeigt sein unteres Ende)",
    today: "Heute",
    learned: "gelernt",
    actual: "eingestellt",
    next_day: "Belegung, nächste 24 h",
    alerts: "Warnungen, letzte 7 Tage",
    no_alerts: "Keine Warnungen in den letzten 7 Tagen.",
    likely: "zu {value} % wahrscheinlich belegt",
    alert_on: "{name}: an {from} – {to}",
    still_on: "noch an",
    tap: "Tippe auf das Diagramm oder zeige darauf für Details.",
  },
  fr: {
    name: "Programme Cadence",
    description: "La semaine que Cadence a apprise pour un thermostat, avec les moments où la zone est habituellement occupée.",
    title: "Semaine apprise",
    loading: "Lecture de ce que Cadence a appris…",
    nothing: "Rien d'appris pour l'instant : Cadence apprend des consignes que les gens choisissent sur ce thermostat.",
    failed: "Cadence n'a pas pu répondre : {error}",
    no_entity: "Choisissez un thermostat que Cadence apprend.",
    occupied: "habituellement occupé",
    until: "jusqu'à",
    entity: "Thermostat",
    zone: "Zone (facultatif, pour l'occupation)",
    title_field: "Titre",
    setpoint: "Consigne (facultatif ; une plage chaud/froid montre sa borne basse)",
    today: "Aujourd'hui",
    learned: "appris",
    actual: "réglé",
    next_day: "Occupation, prochaines 24 h",
    alerts: "Alertes, 7 derniers jours",
    no_alerts: "Aucune alerte ces 7 derniers jours.",
    likely: "occupé avec une probabilité de {value} %",
    alert_on: "{name} : active {from} – {to}",
    still_on: "toujours active",
    tap: "Touchez ou survolez le graphique pour les détails.",
  },
  nl: {
    name: "Cadence-schema",
    description: "De week die Cadence voor een thermostaat heeft geleerd, met wanneer de zone meestal bezet is.",
    title: "Geleerde week",
    loading: "Lezen wat Cadence heeft geleerd…",
    nothing: "Nog niets geleerd: Cadence leert van de setpoints die mensen op deze thermostaat kiezen.",
    failed: "Cadence kon niet antwoorden: {error}",
    no_entity: "Kies een thermostaat die Cadence leert.",
    occupied: "meestal bezet",
    until: "tot",
    entity: "Thermostaat",
    zone: "Zone (optioneel, voor bezetting)",
    title_field: "Titel",
    setpoint: "Setpoint (optioneel; een verwarm-/koelbereik toont de ondergrens)",
    today: "Vandaag",
    learned: "geleerd",
    actual: "ingesteld",
    next_day: "Bezetting, komende 24 u",
    alerts: "Meldingen, laatste 7 dagen",
    no_alerts: "Geen meldingen in de laatste 7 dagen.",
    likely: "{value} % kans op bezet",
    alert_on: "{name}: aan {from} – {to}",
    still_on: "nog aan",
    tap: "Tik op of wijs naar de grafiek voor details.",
  },
  es: {
    name: "Horario de Cadence",
    description: "La semana que Cadence ha aprendido para un termostato, con cuándo suele estar ocupada la zona.",
    title: "Semana aprendida",
    loading: "Leyendo lo que Cadence ha aprendido…",
    nothing: "Aún no ha aprendido nada: Cadence aprende de las consignas que la gente elige en este termostato.",
    failed: "Cadence no pudo responder: {error}",
    no_entity: "Elige un termostato que Cadence aprenda.",
    occupied: "suele estar ocupada",
    until: "hasta",
    entity: "Termostato",
    zone: "Zona (opcional, para la ocupación)",
    title_field: "Título",
    setpoint: "Consigna (opcional; un rango de calor/frío muestra su límite inferior)",
    today: "Hoy",
    learned: "aprendido",
    actual: "fijado",
    next_day: "Ocupación, próximas 24 h",
    alerts: "Alertas, últimos 7 días",
    no_alerts: "Sin alertas en los últimos 7 días.",
    likely: "{value} % de probabilidad de estar ocupada",
    alert_on: "{name}: activa {from} – {to}",
    still_on: "sigue activa",
    tap: "Toca o señala el gráfico para ver detalles.",
  },
};

function language(hass) {
  const found = (hass && ((hass.locale && hass.locale.language) || hass.language)) || "en";
  return found.split("-")[0].toLowerCase();
}

// The full locale (en-GB, not en) for formatting: the region decides the clock.
function locale(hass) {
  return (hass && ((hass.locale && hass.locale.language) || hass.language)) || "en";
}

function strings(hass) {
  return STRINGS[language(hass)] || STRINGS.en;
}

function minutes(clock) {
  const [hours, mins] = clock.split(":").map(Number);
  return hours * 60 + mins;
}

// Day names in the user's language: 2024-01-01 was a Monday.
function dayName(hass, index) {
  const when = new Date(Date.UTC(2024, 0, 1 + index, 12));
  return new Intl.DateTimeFormat(language(hass), { weekday: "short", timeZone: "UTC" }).format(when);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Cool blue for the lowest setpoint of the week, warm orange for the highest.
function colour(value, low, high) {
  const share = high > low ? (value - low) / (high - low) : 0.5;
  const hue = 210 - share * 190;
  return `hsl(${hue.toFixed(0)}, 70%, 52%)`;
}

// Whether times read 12-hour: the user's profile setting, else their language's.
function hour12(hass) {
  const format = hass && hass.locale && hass.locale.time_format;
  if (format === "12") return true;
  if (format === "24") return false;
  const chosen = format === "system" ? undefined : locale(hass);
  return Boolean(new Intl.DateTimeFormat(chosen, { hour: "numeric" }).resolvedOptions().hour12);
}

// A minute of the day (0..1440) as the user reads clock times; an axis's whole
// hours read short on a 12-hour clock ("6 AM").
function clockText(hass, minute, axis = false) {
  const twelve = hour12(hass);
  if (minute >= 24 * 60 && !twelve) return "24:00";
  const when = new Date(Date.UTC(2024, 0, 1, 0, minute));
  const short = axis && twelve && minute % 60 === 0;
  return new Intl.DateTimeFormat(locale(hass), {
    hour: twelve ? "numeric" : "2-digit", ...(short ? {} : { minute: "2-digit" }),
    hourCycle: twelve ? "h12" : "h23", timeZone: "UTC",
  }).format(when);
}

// A moment (ISO 8601) as the home's local weekday and time (an axis: time only).
function momentText(hass, iso, axis = false) {
  const zone = hass && hass.config && hass.config.time_zone;
  return new Intl.DateTimeFormat(locale(hass), {
    ...(axis ? {} : { weekday: "short" }), hour: "numeric", minute: "2-digit",
    hourCycle: hour12(hass) ? "h12" : "h23", ...(zone ? { timeZone: zone } : {}),
  }).format(new Date(iso));
}

function fill(template, values) {
  // A function replacement: a name holding "$&" stays as it is.
  return Object.entries(values).reduce((out, [key, value]) => out.replace(`{${key}}`, () => value), template);
}

function formatNumber(hass, value) {
  return new Intl.NumberFormat(language(hass), { maximumFractionDigits: 1 }).format(value);
}

// The local weekday (Monday 0) and minute of the day in the home's time zone.
function homeNow(hass) {
  const zone = hass && hass.config && hass.config.time_zone;
  const parts = new Intl.DateTimeFormat("en-GB", {
    weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    ...(zone ? { timeZone: zone } : {}),
  }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  const day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(part("weekday"));
  return { day, minute: Number(part("hour")) * 60 + Number(part("minute")) };
}

// The learned week, or null with the reason when nothing has been learned yet.
async function getSchedule(hass, data) {
  const answer = await hass.callWS({ type: "cadence/schedule", language: language(hass), ...data });
  if (answer.schedule === null) {
    const err = new Error(answer.message);
    err.translation_key = answer.reason;
    throw err;
  }
  return answer.schedule;
}

class CadenceScheduleCard extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._config = undefined;
    this._hass = undefined;
    this._schedule = undefined;
    this._occupancy = undefined;
    this._error = undefined;
    this._fetchedAt = 0;
    this._fetching = false;
    this._today = undefined;
    this._detail = "";
    // Details on tap as well as on hover: a phone has no pointer to hover with.
    this.shadowRoot.addEventListener("click", (event) => this._explain(event));
    this.shadowRoot.addEventListener("pointermove", (event) => {
      if (event.pointerType === "mouse") this._explain(event, true);
    });
  }

  static getConfigForm() {
    return {
      schema: [
        { name: "entity", required: true, selector: { entity: { domain: "climate" } } },
        { name: "zone", selector: { area: {} } },
        {
          name: "setpoint",
          selector: { select: { mode: "dropdown", options: ["temperature", "target_temp_low", "target_temp_high"] } },
        },
        { name: "title", selector: { text: {} } },
      ],
      computeLabel: (schema) =>
        strings(pageLanguage())[schema.name === "title" ? "title_field" : schema.name],
    };
  }

  static getStubConfig(hass) {
    const thermostat = Object.keys(hass.states).find((id) => id.startsWith("climate."));
    return { entity: thermostat || "" };
  }

  setConfig(config) {
    if (!config || typeof config !== "object") {
      throw new Error("Invalid configuration");
    }
    const before = this._config || {};
    this._config = { ...config };
    this.dataset.entity = config.entity || "";
    // Only a change of what is asked for drops what was fetched (not a new title).
    if (before.entity !== config.entity || before.zone !== config.zone ||
        before.setpoint !== config.setpoint) {
      this._schedule = undefined;
      this._occupancy = undefined;
      this._today = undefined;
      this._error = undefined;
      this._fetchedAt = 0;
      if (this._hass && config.entity) this._fetch();
    }
    this._render();
  }

  set hass(hass) {
    this._hass = hass;
    if (this._config && this._config.entity && !this._fetching &&
        Date.now() - this._fetchedAt > REFRESH_MS) {
      this._fetch();
    }
    // Drawn again only when what it shows can differ: language or the minute.
    const key = `${language(hass)} ${homeNow(hass).minute}`;
    if (key !== this._drawn) {
      this._drawn = key;
      this._render();
    }
  }

  getCardSize() {
    return 10;
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6, rows: 10, min_rows: 5 };
  }

  async _fetch() {
    const asked = (this._asked = (this._asked || 0) + 1);
    this._fetching = true;
    const { entity, zone } = this._config;
    let schedule;
    let error;
    let occupancy;
    let today;
    try {
      schedule = await this._setpoints(entity);
    } catch (err) {
      error = err;
    }
    if (zone && schedule) {
      try {
        occupancy = await getSchedule(this._hass, { zone });
      } catch (err) {
        occupancy = undefined; // the zone has not learned yet: setpoints only
      }
    }
    if (schedule) {
      try {
        today = await this._hass.callWS({
          type: "cadence/today", entity_id: entity, setpoint: schedule.setpoint, ...(zone ? { zone } : {}),
        });
      } catch (err) {
        today = undefined; // an older Cadence, or a dropped connection: the week only
      }
    }
    if (asked !== this._asked) return; // the card was set to something else meanwhile
    this._schedule = schedule;
    this._error = error;
    this._occupancy = occupancy;
    this._today = today;
    // A failure (Home Assistant starting, a dropped connection) is retried in a minute.
    this._fetchedAt = error && !KNOWN.includes(error.translation_key)
      ? Date.now() - REFRESH_MS + RETRY_MS
      : Date.now();
    this._fetching = false;
    this._render();
  }

  // The setpoint asked for; a thermostat that only keeps a heat/cool range shows
  // the low end of it unless a setpoint is configured.
  async _setpoints(entity) {
    const setpoint = this._config.setpoint;
    try {
      return await getSchedule(this._hass, { entity_id: entity, ...(setpoint ? { setpoint } : {}) });
    } catch (err) {
      if (setpoint || err.translation_key !== "setpoint_not_learned") throw err;
      return getSchedule(this._hass, { entity_id: entity, setpoint: "target_temp_low" });
    }
  }

  _title() {
    const text = strings(this._hass);
    if (this._config.title) return this._config.title;
    const state = this._hass && this._hass.states[this._config.entity];
    const name = state && state.attributes.friendly_name;
    return name ? `${name} · ${text.title}` : text.title;
  }

  _body() {
    const text = strings(this._hass);
    if (!this._config.entity) return `<p class="note">${escapeHtml(text.no_entity)}</p>`;
    if (this._error) {
      const code = this._error.translation_key || (this._error.code || "");
      if (code === "not_learned") {
        return `<p class="note">${escapeHtml(text.no_entity)}</p>`;
      }
      if (["nothing_learned", "setpoint_not_learned"].includes(code)) {
        return `<p class="note nothing">${escapeHtml(text.nothing)}</p>`;
      }
      const message = text.failed.replace("{error}", this._error.message || String(this._error));
      return `<p class="note failed">${escapeHtml(message)}</p>`;
    }
    if (!this._schedule) return `<p class="note">${escapeHtml(text.loading)}</p>`;
    return this._week(text) + (this._today ? this._todayParts(text, this._today) : "");
  }

  _todayParts(text, today) {
    return `<section class="today-curve"><h2>${escapeHtml(text.today)}</h2>${this._curve(text, today)}</section>`
      + (today.occupancy ? this._nextDay(text, today.occupancy) : "")
      + (today.alerts.length ? this._alerts(text, today) : "")
      + `<p class="detail" aria-live="polite">${escapeHtml(this._detail || text.tap)}</p>`;
  }

  // Today's learned setpoints (dashed) and those actually set (solid), by the clock.
  _curve(text, today) {
    const nowMinute = homeNow(this._hass).minute;
    const learned = (today.learned || []).map((change, i, all) => ({
      from: minutes(change.start),
      to: i + 1 < all.length ? minutes(all[i + 1].start) : 24 * 60,
      value: change.setpoint,
    }));
    const actual = today.actual.map((point, i, all) => ({
      from: point.minute,
      to: Math.max(point.minute, i + 1 < all.length ? all[i + 1].minute : nowMinute),
      value: point.setpoint,
    }));
    this._steps = { learned, actual, unit: today.unit };
    const values = [...learned, ...actual].map((step) => step.value).filter((v) => v !== null);
    if (!values.length) return "";
    const low = Math.min(...values) - 0.5;
    const high = Math.max(...values) + 0.5;
    const y = (value) => (90 - ((value - low) / (high - low)) * 80).toFixed(2);
    const path = (steps) => {
      let d = "";
      let last = null;
      for (const step of steps) {
        if (step.value === null) {
          last = null;
          continue;
        }
        d += last === null ? `M${step.from} ${y(step.value)}` : `V${y(step.value)}`;
        d += `H${step.to}`;
        last = step.value;
      }
      return d;
    };
    const legend = `<span class="key learned"></span>${escapeHtml(text.learned)}`
      + `<span class="key actual"></span>${escapeHtml(text.actual)}`;
    return `<div class="chart"><div class="scale"><span>${formatNumber(this._hass, high - 0.5)}</span>
      <span>${formatNumber(this._hass, low + 0.5)}</span></div>
      <svg class="curve" viewBox="0 0 1440 100" preserveAspectRatio="none" role="img"
        aria-label="${escapeHtml(`${text.today}: ${text.learned}, ${text.actual}`)}">
        <path class="learned" d="${path(learned)}" vector-effect="non-scaling-stroke"></path>
        <path class="actual" d="${path(actual)}" vector-effect="non-scaling-stroke"></path>
        <line class="now" x1="${nowMinute}" x2="${nowMinute}" y1="0" y2="100" vector-effect="non-scaling-stroke"></line>
      </svg></div>${this._axis()}<div class="legend">${legend} ${escapeHtml(today.unit)}</div>`;
  }

  // The clock times along a day: midnight, every six hours, midnight.
  _axis() {
    const ticks = [0, 6, 12, 18, 24].map((hour) =>
      `<span style="left:${(hour / 24 * 100).toFixed(3)}%">${escapeHtml(clockText(this._hass, hour * 60, true))}</span>`).join("");
    return `<div class="ticks">${ticks}</div>`;
  }

  // The next 24 h from the current half hour; the darker, the likelier occupied.
  _nextDay(text, slots) {
    const width = 100 / slots.length;
    const cells = slots.map((slot, i) => {
      const detail = `${momentText(this._hass, slot.start)}: ${fill(text.likely, { value: formatNumber(this._hass, slot.probability) })}`;
      return `<div class="slot" data-probability="${slot.probability}" title="${escapeHtml(detail)}"
        data-detail="${escapeHtml(detail)}" style="left:${(i * width).toFixed(3)}%;width:${width.toFixed(3)}%;
        opacity:${Math.max(0.08, slot.probability / 100).toFixed(2)}"></div>`;
    }).join("");
    const ticks = [0, 12, 24, 36].map((i) => `<span style="left:${(i * width).toFixed(3)}%">${
      escapeHtml(momentText(this._hass, slots[i].start, true))}</span>`).join("");
    return `<section class="next-day"><h2>${escapeHtml(text.next_day)}</h2>
      <div class="strip">${cells}</div><div class="ticks">${ticks}</div></section>`;
  }

  // One row per alert sensor: when it was on during the last seven days.
  _alerts(text, today) {
    const from = Date.parse(today.alerts_from);
    const span = Date.parse(today.now) - from;
    const place = (iso) => Math.min(100, Math.max(0, ((Date.parse(iso) - from) / span) * 100));
    const rows = today.alerts.map((row) => {
      const stretches = row.on.map((on) => {
        const start = place(on.start);
        const end = on.end ? place(on.end) : 100;
        const detail = fill(text.alert_on, {
          name: row.name, from: momentText(this._hass, on.start),
          to: on.end ? momentText(this._hass, on.end) : text.still_on,
        });
        return `<div class="alert" title="${escapeHtml(detail)}" data-detail="${escapeHtml(detail)}"
          style="left:${start.toFixed(3)}%;width:${Math.max(0.6, end - start).toFixed(3)}%"></div>`;
      }).join("");
      return `<div class="alert-row" data-entity="${escapeHtml(row.entity_id)}">
        <div class="alert-name">${escapeHtml(row.name)}</div><div class="strip">${stretches}</div></div>`;
    }).join("");
    const quiet = today.alerts.every((row) => !row.on.length)
      ? `<p class="note">${escapeHtml(text.no_alerts)}</p>` : "";
    return `<section class="alerts"><h2>${escapeHtml(text.alerts)}</h2>${quiet}${rows}</section>`;
  }

  // Says what the tapped (or pointed at) part shows, in the line under the card.
  _explain(event, hovering = false) {
    const chart = event.composedPath().find((node) => node.classList && node.classList.contains("curve"));
    let detail;
    if (chart && this._steps) {
      const box = chart.getBoundingClientRect();
      const minute = Math.max(0, Math.min(1439, Math.round(((event.clientX - box.left) / box.width) * 1440)));
      const at = (steps) => {
        const step = steps.find((s) => s.from <= minute && minute < s.to);
        return step && step.value !== null ? `${formatNumber(this._hass, step.value)} ${this._steps.unit}` : "–";
      };
      const text = strings(this._hass);
      detail = `${clockText(this._hass, minute)}: ${text.learned} ${at(this._steps.learned)}, ${text.actual} ${at(this._steps.actual)}`;
    } else {
      const found = event.composedPath().find((node) => node.dataset && node.dataset.detail);
      detail = found && found.dataset.detail;
    }
    if (!detail || (hovering && detail === this._detail)) return;
    this._detail = detail;
    const line = this.shadowRoot.querySelector(".detail");
    if (line) line.textContent = detail;
  }

  _week(text) {
    const days = this._schedule.days;
    const unit = this._schedule.unit || "";
    const values = DAYS.flatMap((day) => days[day].map((change) => change.setpoint));
    const low = Math.min(...values);
    const high = Math.max(...values);
    const now = homeNow(this._hass);
    const rows = DAYS.map((day, index) => {
      const changes = days[day];
      const segments = changes.map((change, i) => {
        const start = minutes(change.start);
        const end = i + 1 < changes.length ? minutes(changes[i + 1].start) : 24 * 60;
        const value = `${formatNumber(this._hass, change.setpoint)} ${unit}`;
        const label = end - start >= 150 ? formatNumber(this._hass, change.setpoint) : "";
        const detail = `${dayName(this._hass, index)} ${clockText(this._hass, start)} ${text.until} ${clockText(this._hass, end)}: ${value}`;
        return `<div class="segment" data-start="${change.start}" data-setpoint="${change.setpoint}"
          title="${escapeHtml(detail)}" data-detail="${escapeHtml(detail)}"
          style="left:${(start / 14.4).toFixed(3)}%;width:${((end - start) / 14.4).toFixed(3)}%;
          background:${colour(change.setpoint, low, high)}">${label}</div>`;
      }).join("");
      const occupied = this._occupancy ? this._occupancy.days[day].map((block) => {
        const start = minutes(block.start);
        const end = minutes(block.end);
        const detail = `${dayName(this._hass, index)} ${clockText(this._hass, start)}–${clockText(this._hass, end)}: ${text.occupied} (${formatNumber(this._hass, block.probability)} %)`;
        return `<div class="occupied" title="${escapeHtml(detail)}" data-detail="${escapeHtml(detail)}"
          style="left:${(start / 14.4).toFixed(3)}%;width:${((end - start) / 14.4).toFixed(3)}%"></div>`;
      }).join("") : "";
      const today = index === now.day;
      const marker = today ? `<div class="now" style="left:${(now.minute / 14.4).toFixed(3)}%"></div>` : "";
      return `<div class="day${today ? " today" : ""}" data-day="${day}">
        <div class="name">${escapeHtml(dayName(this._hass, index))}</div>
        <div class="track"><div class="bar">${segments}${marker}</div>
        ${this._occupancy ? `<div class="presence">${occupied}</div>` : ""}</div></div>`;
    }).join("");
    const legend = this._occupancy
      ? `<div class="legend"><span class="swatch"></span>${escapeHtml(text.occupied)}</div>` : "";
    return `<div class="week">${rows}<div class="day axis"><div class="name"></div>
      ${this._axis()}</div></div>${legend}`;
  }

  _render() {
    if (!this._config) return;
    this.shadowRoot.innerHTML = `
      <style>
        ha-card { padding: 12px 16px 16px; }
        h1 { font-size: 1.1em; font-weight: 500; margin: 0 0 12px; }
        .day { display: grid; grid-template-columns: 3.2em 1fr; align-items: center; margin: 3px 0; }
        .name { font-size: 0.9em; color: var(--secondary-text-color); }
        .today .name { color: var(--primary-text-color); font-weight: 600; }
        .bar { position: relative; height: 22px; border-radius: 4px; overflow: hidden;
               background: var(--divider-color, #ddd); }
        .segment { position: absolute; top: 0; bottom: 0; color: #fff; font-size: 0.75em;
                   line-height: 22px; text-align: center; overflow: hidden; white-space: nowrap;
                   box-shadow: inset -1px 0 0 rgba(255,255,255,0.6); }
        .now { position: absolute; top: 0; bottom: 0; width: 2px; background: var(--primary-text-color); }
        .presence { position: relative; height: 4px; margin-top: 2px; }
        .occupied, .swatch { position: absolute; top: 0; bottom: 0; border-radius: 2px;
                             background: var(--primary-color, #03a9f4); }
        .ticks { position: relative; height: 1.2em; font-size: 0.7em; color: var(--secondary-text-color); }
        .ticks span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
        .ticks span:first-child { transform: none; }
        .ticks span:last-child { transform: translateX(-100%); }
        .legend { font-size: 0.75em; color: var(--secondary-text-color); margin-top: 6px; position: relative;
                  padding-left: 18px; }
        .swatch { width: 12px; height: 4px; top: 0.5em; left: 0; }
        .note { color: var(--secondary-text-color); margin: 0; }
        h2 { font-size: 0.95em; font-weight: 500; margin: 14px 0 6px; }
        .chart { display: grid; grid-template-columns: 2.4em 1fr; gap: 4px; }
        .scale { display: flex; flex-direction: column; justify-content: space-between;
                 font-size: 0.7em; color: var(--secondary-text-color); text-align: right; padding: 4px 0; }
        .curve { width: 100%; height: 84px; display: block; cursor: crosshair;
                 background: var(--secondary-background-color, rgba(127,127,127,0.08)); border-radius: 4px; }
        .curve path { fill: none; stroke-width: 2.5; }
        .curve path.learned { stroke: var(--secondary-text-color); stroke-dasharray: 6 4; }
        .curve path.actual { stroke: var(--primary-color, #03a9f4); }
        .curve line.now { stroke: var(--primary-text-color); stroke-width: 1; }
        .today-curve .ticks, .today-curve .legend { margin-left: calc(2.4em + 4px); }
        .legend .key { display: inline-block; width: 16px; height: 0; margin: 0 4px 0 10px;
                       vertical-align: middle; border-top: 2px solid var(--primary-color, #03a9f4); }
        .legend .key:first-child { margin-left: 0; }
        .legend .key.learned { border-top: 2px dashed var(--secondary-text-color); }
        .strip { position: relative; height: 14px; border-radius: 3px; overflow: hidden;
                 background: var(--divider-color, #ddd); }
        .slot { position: absolute; top: 0; bottom: 0; background: var(--primary-color, #03a9f4); }
        .alert-row { display: grid; grid-template-columns: minmax(7em, 40%) 1fr; align-items: center;
                     gap: 6px; margin: 4px 0; }
        .alert-name { font-size: 0.75em; line-height: 1.2; color: var(--secondary-text-color);
                      overflow-wrap: anywhere; }
        .alert-row .strip { height: 10px; }
        .alerts .note { font-size: 0.85em; margin-bottom: 4px; }
        .alert { position: absolute; top: 0; bottom: 0; background: var(--error-color, #db4437); }
        .detail { font-size: 0.8em; color: var(--secondary-text-color); margin: 10px 0 0; min-height: 1.2em; }
        .segment, .occupied, .slot, .alert { cursor: pointer; }
      </style>
      <ha-card><h1>${escapeHtml(this._title())}</h1>${this._body()}</ha-card>`;
  }
}

function pageLanguage() {
  const app = document.querySelector("home-assistant");
  if (app && app.hass) return app.hass;
  let chosen;
  try {
    chosen = JSON.parse(localStorage.getItem("selectedLanguage") || "null");
  } catch (err) {
    chosen = null;
  }
  return { language: chosen || navigator.language || "en" };
}

// Defined once Home Assistant's own elements are: its frontend installs its
// element registry as it starts, and a card defined before that is lost.
function register() {
  if (customElements.get(CARD)) return;
  customElements.define(CARD, CadenceScheduleCard);
  const text = strings(pageLanguage());
  window.customCards = window.customCards || [];
  window.customCards.push({
    type: CARD,
    name: text.name,
    description: text.description,
    preview: true,
    documentationURL: "https://github.com/cadence-home/cadence/blob/main/docs/card.md",
  });
}

if (customElements.get("home-assistant")) {
  register();
} else {
  customElements.whenDefined("home-assistant").then(register);
}
