// Cadence schedule card: the week Cadence learned for a thermostat, at a glance.
//
// Served by the integration itself (no download, no build step) and listed in the
// dashboard's card picker. It asks `cadence/schedule` (the answer of the action
// `cadence.get_schedule`) for the thermostat's
// changes and, where a zone is given, for the stretches when it is likely
// occupied, and draws one bar per day, in the user's language.
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
  },
};

function language(hass) {
  const found = (hass && ((hass.locale && hass.locale.language) || hass.language)) || "en";
  return found.split("-")[0].toLowerCase();
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
  const answer = await hass.callWS({ type: "cadence/schedule", ...data });
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
    return 5;
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6, rows: 5, min_rows: 4 };
  }

  async _fetch() {
    const asked = (this._asked = (this._asked || 0) + 1);
    this._fetching = true;
    const { entity, zone } = this._config;
    let schedule;
    let error;
    let occupancy;
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
    if (asked !== this._asked) return; // the card was set to something else meanwhile
    this._schedule = schedule;
    this._error = error;
    this._occupancy = occupancy;
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
    return this._week(text);
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
        const end_clock = i + 1 < changes.length ? changes[i + 1].start : "24:00";
        const value = `${formatNumber(this._hass, change.setpoint)} ${unit}`;
        const label = end - start >= 150 ? formatNumber(this._hass, change.setpoint) : "";
        return `<div class="segment" data-start="${change.start}" data-setpoint="${change.setpoint}"
          title="${escapeHtml(`${change.start} ${text.until} ${end_clock}: ${value}`)}"
          style="left:${(start / 14.4).toFixed(3)}%;width:${((end - start) / 14.4).toFixed(3)}%;
          background:${colour(change.setpoint, low, high)}">${label}</div>`;
      }).join("");
      const occupied = this._occupancy ? this._occupancy.days[day].map((block) => {
        const start = minutes(block.start);
        const end = minutes(block.end);
        return `<div class="occupied" title="${escapeHtml(`${block.start}–${block.end}: ${text.occupied} (${formatNumber(this._hass, block.probability)} %)`)}"
          style="left:${(start / 14.4).toFixed(3)}%;width:${((end - start) / 14.4).toFixed(3)}%"></div>`;
      }).join("") : "";
      const today = index === now.day;
      const marker = today ? `<div class="now" style="left:${(now.minute / 14.4).toFixed(3)}%"></div>` : "";
      return `<div class="day${today ? " today" : ""}" data-day="${day}">
        <div class="name">${escapeHtml(dayName(this._hass, index))}</div>
        <div class="track"><div class="bar">${segments}${marker}</div>
        ${this._occupancy ? `<div class="presence">${occupied}</div>` : ""}</div></div>`;
    }).join("");
    const ticks = [0, 6, 12, 18, 24].map((hour) =>
      `<span style="left:${(hour / 24 * 100).toFixed(3)}%">${String(hour).padStart(2, "0")}:00</span>`).join("");
    const legend = this._occupancy
      ? `<div class="legend"><span class="swatch"></span>${escapeHtml(text.occupied)}</div>` : "";
    return `<div class="week">${rows}<div class="day axis"><div class="name"></div>
      <div class="ticks">${ticks}</div></div></div>${legend}`;
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
        .ticks span { position: absolute; transform: translateX(-50%); }
        .ticks span:first-child { transform: none; }
        .ticks span:last-child { transform: translateX(-100%); }
        .legend { font-size: 0.75em; color: var(--secondary-text-color); margin-top: 6px; position: relative;
                  padding-left: 18px; }
        .swatch { width: 12px; height: 4px; top: 0.5em; left: 0; }
        .note { color: var(--secondary-text-color); margin: 0; }
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
