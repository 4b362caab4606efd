// Live dashboard of a project's indicators: reads the report stream (server-sent events) with fetch,
// so that the bearer token travels in a header, and redraws on every report. No build step.
"use strict";

const projectId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
const TOKEN_KEY = "aktywni-token";
const LABELS = {
  kind: { output: "wskaźnik produktu", result: "wskaźnik rezultatu" },
  unit: { persons: "os.", bodies: "podm.", items: "szt." },
  sex: { K: "Kobiety", M: "Mężczyźni" },
};
// The funder's splits a card shows (each crossed with sex), in this order, with Polish names and values.
const SPLITS = {
  age_band: "Wiek w chwili rozpoczęcia wsparcia",
  disability_degree: "Stopień niepełnosprawności",
  labour_market_status: "Status na rynku pracy",
  labour_market_group: "Status na rynku pracy — grupy wskaźników EFS+",
  education: "Wykształcenie (ISCED)",
  degurba: "Miejsce zamieszkania (DEGURBA)",
  category: "Kategoria uczestnika",
};
const VALUES = {
  "<25": "poniżej 25 lat", "25-54": "25–54 lata", "55+": "55 lat i więcej",
  light: "lekki", moderate: "umiarkowany", severe: "znaczny",
  registered_unemployed: "Osoba bezrobotna zarejestrowana w ewidencji urzędów pracy",
  long_term_unemployed: "Osoba długotrwale bezrobotna",
  unregistered_unemployed: "Osoba bezrobotna niezarejestrowana w ewidencji urzędów pracy",
  inactive: "Osoba bierna zawodowo", employed: "Osoba pracująca",
  unemployed: "Osoby bezrobotne (łącznie z długotrwale bezrobotnymi)",
  of_whom_long_term_unemployed: "w tym osoby długotrwale bezrobotne",
  isced_0: "niższe niż podstawowe (ISCED 0)", isced_1_2: "podstawowe lub gimnazjalne (ISCED 1–2)",
  isced_3_4: "ponadgimnazjalne lub policealne (ISCED 3–4)", isced_5_8: "wyższe (ISCED 5–8)",
  client_at_risk: "klient MOPS", person_with_disability: "osoba niepełnosprawna",
  environment_person: "otoczenie ON", staff_trainee: "osoba szkolona na TA",
  not_applicable: "nie dotyczy / brak danych", refused: "odmowa podania informacji",
};
const DEGURBA = { 1: "miasta (DEGURBA 1)", 2: "małe miasta i przedmieścia (DEGURBA 2)", 3: "obszary wiejskie (DEGURBA 3)" };
const $ = (id) => document.getElementById(id);
let controller = null;
let organisationsFilled = false;
let organisationNames = {}; // organisation id -> name, as reporting learned them from the project's events

function organisationName(id) {
  return organisationNames[id] || id;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function takeToken() {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("token");
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function showLogin(message) {
  if (controller) controller.abort();
  sessionStorage.removeItem(TOKEN_KEY);
  $("main").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message || "";
  setStatus("niezalogowany", "down");
}

function setStatus(text, kind) {
  const status = $("status");
  status.textContent = text;
  status.className = "status " + (kind || "");
}

function organisation() {
  return $("organisation").value;
}

function query() {
  return organisation() ? "?organisation=" + encodeURIComponent(organisation()) : "";
}

async function connect() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return showLogin();
  if (controller) controller.abort();
  controller = new AbortController();
  const signal = controller.signal;
  $("login").hidden = true;
  $("main").hidden = false;
  setStatus("łączenie…");
  try {
    const response = await fetch(`/projects/${encodeURIComponent(projectId)}/stream${query()}`, {
      headers: { Authorization: "Bearer " + token, Accept: "text/event-stream" },
      signal,
    });
    if (response.status === 401) return showLogin("Token jest nieprawidłowy lub wygasł.");
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      $("error").textContent = `Błąd ${response.status}: ${body.detail || response.statusText}`;
      setStatus("błąd", "down");
      return;
    }
    $("error").textContent = "";
    setStatus("na żywo", "live");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        handleEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
  } catch (error) {
    if (signal.aborted) return;
  }
  if (!signal.aborted) {
    setStatus("rozłączono, ponawiam…", "down");
    setTimeout(connect, 2000);
  }
}

function handleEvent(block) {
  let type = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) type = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  if (type === "report" && data.length) render(JSON.parse(data.join("\n")));
}

function fillOrganisations(report) {
  if (organisationsFilled) return;
  const select = $("organisation");
  for (const id of Object.keys(report.organisations).sort()) {
    const option = document.createElement("option");
    option.value = id;
    option.textContent = organisationName(id);
    select.appendChild(option);
  }
  if (report.organisation) {
    select.value = report.organisation;
    select.disabled = true; // a partner sees its own organisation only
  }
  organisationsFilled = true;
}

function chart(indicator) {
  const months = indicator.months;
  const width = 400, height = 120, left = 28, bottom = 16;
  const top = Math.max(indicator.target, ...months.map((m) => Math.max(m.cumulative, m.plan_cumulative)), 1);
  const x = (i) => left + (i * (width - left - 4)) / Math.max(months.length - 1, 1);
  const y = (v) => height - bottom - (v * (height - bottom - 6)) / top;
  const line = (values) => values.map((v, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const hasPlan = months.some((m) => m.plan > 0);
  const first = months[0] ? months[0].month : "";
  const last = months.length ? months[months.length - 1].month : "";
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Wykres narastający">
    <line class="goal" x1="${left}" x2="${width - 4}" y1="${y(indicator.target)}" y2="${y(indicator.target)}"></line>
    <text x="0" y="${y(indicator.target) + 3}">${indicator.target}</text>
    <text x="0" y="${height - bottom + 3}">0</text>
    ${hasPlan ? `<path class="planned" d="${line(months.map((m) => m.plan_cumulative))}"></path>` : ""}
    <path class="actual" d="${line(months.filter((m) => m.elapsed !== false).map((m) => m.cumulative))}"></path>
    <text x="${left}" y="${height - 2}">${first}</text>
    <text x="${width - 40}" y="${height - 2}">${last}</text>
  </svg>
  <div class="legend">— wykonanie narastająco${hasPlan ? " · - - plan narastająco" : ""} · ··· wartość docelowa</div>`;
}

function table(title, rows) {
  if (!rows.length) return "";
  return `<table><thead><tr><th>${title}</th><th>liczba</th></tr></thead><tbody>${rows
    .map(([label, n, attrs]) => `<tr ${attrs || ""}><td>${escapeHtml(label)}</td><td class="n">${n}</td></tr>`)
    .join("")}</tbody></table>`;
}

// The splits that matter for this indicator: those it is defined with, leaving out one whose every
// person is "not applicable" (e.g. the disability degree of environment persons).
function splits(indicator) {
  const crossed = indicator.breakdowns_by_sex || {};
  return Object.keys(SPLITS)
    .filter((name) => crossed[name] && Object.keys(crossed[name]).some((v) => v !== "not_applicable"))
    .map((name) => {
      const rows = Object.entries(crossed[name]).map(([value, bySex]) => {
        const shown = name === "degurba" ? DEGURBA[value] || VALUES[value] || value : VALUES[value] || value;
        const total = (bySex.K || 0) + (bySex.M || 0);
        return `<tr data-value="${escapeHtml(value)}"><td>${escapeHtml(shown)}</td><td class="n k">${bySex.K || 0}</td>` +
          `<td class="n m">${bySex.M || 0}</td><td class="n">${total}</td></tr>`;
      });
      return `<table class="split" data-split="${name}"><thead><tr><th>${SPLITS[name]}</th><th>K</th><th>M</th>` +
        `<th>razem</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
    })
    .join("");
}

function card(indicator) {
  const percent = Math.min(100, indicator.target ? (100 * indicator.value) / indicator.target : 100);
  const planPercent = indicator.plan_to_date != null && indicator.target
    ? Math.min(100, (100 * indicator.plan_to_date) / indicator.target) : null;
  const forecast = indicator.forecast;
  const sexRows = Object.entries(indicator.by_sex).map(([s, n]) => [LABELS.sex[s] || s, n, `data-sex="${s}"`]);
  const orgRows = Object.entries(indicator.by_organisation).map(([org, split]) => [
    organisationName(org) + (indicator.unit === "persons" ? ` (K: ${split.K || 0}, M: ${split.M || 0})` : ""),
    split.total,
    `data-organisation="${escapeHtml(org)}"`,
  ]);
  return `<article class="indicator" data-code="${escapeHtml(indicator.code)}">
    <h2>${escapeHtml(indicator.name)}</h2>
    <div class="code">${escapeHtml(indicator.code)} · ${LABELS.kind[indicator.kind] || indicator.kind}</div>
    <div class="numbers"><span class="value">${indicator.value}</span>
      <span class="target">/ ${indicator.target} ${LABELS.unit[indicator.unit] || ""}</span></div>
    <div class="progress" title="${indicator.percent}%">
      <div class="fill ${indicator.reached ? "done" : ""}" style="width:${percent}%"></div>
      ${planPercent != null ? `<div class="plan" style="left:${planPercent}%" title="plan na dziś: ${indicator.plan_to_date}"></div>` : ""}
    </div>
    <p class="forecast ${forecast.will_meet_target ? "ok" : "risk"}">${indicator.reached ? "Cel osiągnięty. " : ""}
      Prognoza na koniec projektu: ${forecast.expected_at_end}
      (${forecast.will_meet_target ? "cel zostanie osiągnięty" : "cel zagrożony"}).
      ${indicator.plan_to_date != null ? `Plan na dziś: ${indicator.plan_to_date}.` : ""}</p>
    ${table("Płeć", sexRows)}
    ${table("Organizacja", orgRows)}
    ${splits(indicator)}
    ${chart(indicator)}
  </article>`;
}

function render(report) {
  organisationNames = report.organisation_names || {};
  fillOrganisations(report);
  document.title = `${report.title} — wskaźniki`;
  $("title").textContent = report.title;
  $("meta").textContent = `Projekt ${report.project_id}, ${report.starts_on} – ${report.ends_on}; stan na ${report.as_of}` +
    (report.organisation ? `; organizacja: ${organisationName(report.organisation)}` : "; cały projekt");
  $("indicators").innerHTML = report.indicators.length
    ? report.indicators.map(card).join("")
    : "<p>Projekt nie ma jeszcze zdefiniowanych wskaźników.</p>";
  document.body.dataset.updated = String(Date.now());
}

async function download(kind) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(`/projects/${encodeURIComponent(projectId)}/exports/indicators.${kind}${query()}`, {
    headers: { Authorization: "Bearer " + token },
  });
  if (!response.ok) {
    $("error").textContent = `Eksport nieudany: błąd ${response.status}`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `wskazniki-${projectId}.${kind}`;
  link.click();
  URL.revokeObjectURL(url);
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token-input").value.trim());
  $("token-input").value = "";
  connect();
});
$("logout").addEventListener("click", () => showLogin("Wylogowano."));
$("organisation").addEventListener("change", connect);
$("xlsx").addEventListener("click", () => download("xlsx"));
$("csv").addEventListener("click", () => download("csv"));

if (takeToken()) connect();
else showLogin();
