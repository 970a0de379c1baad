// The microcred browser verifier's page. Every check is made by the Go
// verifier in the WebAssembly module (globalThis.microcred, see web/wasm);
// this script only reads the user's files, calls it, and shows the report.
// Credential text is always inserted as text, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { cred: null, extras: [], trust: null, trustName: "", ready: false, imageURL: "" };
  const timing = (globalThis.microcredTiming = { readyMs: 0, verifyMs: 0 });

  function setStatus(text) { $("status").textContent = text; }

  // Load the module: it is a gzip'd base64 string in verifier-wasm.js, so
  // that the page needs no connection (connect-src 'none') to load it.
  async function load() {
    const bin = atob(globalThis.microcredWasmGzip);
    const gz = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
    delete globalThis.microcredWasmGzip;
    const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
    const wasm = await new Response(stream).arrayBuffer();
    const go = new Go();
    const ready = new Promise((resolve) => { globalThis.microcredReady = resolve; });
    const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
    go.run(instance);
    await ready;
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }

  async function readFile(f) {
    return { name: f.name, data: new Uint8Array(await f.arrayBuffer()) };
  }

  // Files picked or dropped together: the credential, and beside it its
  // status lists, receipts and DID documents (the module tells them apart).
  async function takeFiles(list) {
    const files = await Promise.all(Array.from(list).map(readFile));
    const notes = [];
    let cred = null;
    const extras = [];
    for (const f of files) {
      const kind = globalThis.microcred.kind(f.data);
      // Status lists, receipts and DID documents go beside the credential;
      // anything else is the credential (the verifier says what is wrong).
      if (kind !== "status-list" && kind !== "receipt" && kind !== "did-document") {
        if (cred) { notes.push(f.name + " is a second credential: verify one at a time; it was left out."); continue; }
        cred = f;
      } else {
        extras.push(f);
      }
    }
    if (cred) setCredential(cred);
    if (extras.length) {
      // Extras dropped later add to (or replace, by name) the earlier ones.
      const byName = new Map(state.extras.map((e) => [e.name, e]));
      for (const e of extras) byName.set(e.name, e);
      state.extras = Array.from(byName.values());
    }
    if (!state.cred) { setStatus(notes.concat(["No credential yet: drop or choose a badge, or paste one."]).join(" ")); return; }
    run(notes);
  }

  function setCredential(f) {
    if (state.imageURL) URL.revokeObjectURL(state.imageURL);
    state.imageURL = "";
    const head = new TextDecoder().decode(f.data.subarray(0, 512)).trimStart();
    if (f.data[0] === 0x89 && f.data[1] === 0x50) {
      state.imageURL = URL.createObjectURL(new Blob([f.data], { type: "image/png" }));
    } else if (head.startsWith("<")) {
      state.imageURL = URL.createObjectURL(new Blob([f.data], { type: "image/svg+xml" }));
    }
    state.cred = f;
  }

  function run(notes) {
    if (!state.ready || !state.cred) return;
    const req = {
      input: state.cred.data,
      extras: state.extras,
      trustList: state.trust,
      anyIssuerUnsafe: $("any").checked,
      now: $("now").value.trim(),
    };
    const t0 = performance.now();
    const rep = JSON.parse(globalThis.microcred.verify(req));
    timing.verifyMs = performance.now() - t0;
    globalThis.microcredLast = rep;
    try {
      render(rep, notes || []);
    } catch (err) {
      setStatus("The report could not be shown: " + err);
      document.body.dataset.state = "done";
    }
  }

  function text(v) {
    // A plain string, a language-tagged value, or a list of them.
    if (v === null || v === undefined) return "";
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return v.map(text).filter(Boolean).join(" / ");
    if (typeof v === "object" && "@value" in v) return String(v["@value"]);
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return "";
  }
  const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
  const idOf = (v) => (typeof v === "string" ? v : v && typeof v === "object" ? text(v.id) : "");

  function failedChecks(rep) { return rep.checks.filter((c) => c.outcome === "failed").map((c) => c.check); }

  function render(rep, notes) {
    const res = $("result");
    res.hidden = false;
    const verdict = $("verdict");
    const note = $("verdict-note");
    const failed = failedChecks(rep);
    res.dataset.verified = String(rep.verified);
    res.dataset.failed = failed.join("+");
    res.dataset.trust = rep.trust;
    if (rep.error) {
      verdict.className = "bad";
      verdict.textContent = "NOT VERIFIED";
      note.textContent = rep.error;
    } else if (rep.verified && rep.trust === "any-issuer") {
      verdict.className = "warn";
      verdict.textContent = "VERIFIED — any issuer accepted";
      note.textContent = "Every check passed, but you chose to accept any issuer: this says the issuer's own key signed, not who the issuer is.";
    } else if (rep.verified) {
      verdict.className = "ok";
      verdict.textContent = "VERIFIED";
      note.textContent = "Every check passed, and the issuer is on your trust list.";
    } else if (rep.onlyTrustMissing && failed.length === 1 && failed[0] === "issuer") {
      verdict.className = "warn";
      verdict.textContent = "NOT VERIFIED — signature valid, issuer not on your list";
      note.textContent = rep.trustedCount
        ? "The signature is valid and made with the issuer's own key, but the issuer is not on the trust list you loaded."
        : "The signature is valid and made with the issuer's own key. Load a trust list naming the issuers you trust to verify it (checks after the issuer check did not run).";
    } else {
      verdict.className = "bad";
      verdict.textContent = "NOT VERIFIED";
      note.textContent = failed.length ? "Failed at: " + failed.join(", ") + ". Expand a check for why." : "";
    }

    // Who signed, and what "trusted" means here.
    const who = $("who");
    who.replaceChildren();
    const dl = el("dl");
    const row = (k, v, cls) => { if (v) dl.append(el("dt", {}, k), el("dd", cls ? { class: cls } : {}, v)); };
    row("Issuer", rep.issuer, "mono");
    if (rep.claimedIssuerName) {
      if (rep.verified && rep.trust === "trusted") row("Issuer name", rep.claimedIssuerName);
      else row("Issuer name", rep.claimedIssuerName + " (as the credential claims it; not verified)", "claimed");
    }
    row("Signed with", rep.verificationMethod, "mono");
    row("Checked at", rep.at);
    const trustText = {
      "trusted": "trusted: the issuer is on the trust list you loaded (" + state.trustName + ").",
      "untrusted": rep.onlyTrustMissing ? "not on your list: the issuer's own key signed; only your trust is missing." : "untrusted: the key that signed is not shown to be the issuer's.",
      "any-issuer": "not checked against a list (any issuer accepted).",
      "not-checked": "not checked: verification stopped before the issuer check.",
    }[rep.trust] || rep.trust;
    row("Trust", trustText);
    if (rep.anchor) {
      let a = rep.anchor.level + (rep.anchor.chain ? " on " + rep.anchor.chain : "");
      if (rep.anchor.noFinality) a += " (no finality: a test network)";
      if (rep.anchor.confirmations) a += ", " + rep.anchor.confirmations + " confirmation(s)";
      if (rep.anchor.stopped) a += "; stopped: " + rep.anchor.stopped;
      row("Anchor", a + " — L0 proof intact, L1 anchor claimed, L2 transaction committed, L3 in a block, L4 confirmed against a checkpoint");
    }
    who.append(el("h3", {}, "Issuer and trust"), dl);

    // The checks, each expandable.
    const ol = $("checks");
    ol.replaceChildren();
    for (const c of rep.checks) {
      const body = c.error || c.detail || (c.outcome === "passed" ? "passed" : "");
      const li = el("li", { class: c.outcome, "data-check": c.check, "data-outcome": c.outcome });
      const d = el("details", {}, el("summary", {}, el("span", { class: "name" }, c.check), " ", el("span", { class: "outcome" }, c.outcome), c.outcome === "failed" ? " — " + (c.error || "").split("\n")[0].slice(0, 120) : ""),
        el("div", { class: "body" }, body));
      if (c.outcome === "failed") d.open = true;
      li.append(d);
      ol.append(li);
    }

    // Files used and ignored, and notes.
    const files = $("files");
    files.replaceChildren();
    const lines = [].concat((rep.used || []).map((u) => "used " + u), (rep.ignored || []).map((u) => "ignored " + u), notes);
    if (lines.length) files.append(el("h3", {}, "Files"), el("ul", {}, ...lines.map((l) => el("li", {}, l))));

    renderCard(rep);
    const raw = rep.credential || rep.unverifiedCredential;
    $("raw").textContent = raw ? JSON.stringify(raw, null, 2) : "(no credential could be read)";
    $("raw-box").querySelector("summary").textContent = rep.credential ? "Raw JSON (verified)" : "Raw JSON (NOT verified)";
    setStatus("Verified " + state.cred.name + " in " + timing.verifyMs.toFixed(1) + " ms.");
    document.body.dataset.state = "done";
    verdict.focus();
  }

  function renderCard(rep) {
    const card = $("card");
    card.replaceChildren();
    const c = rep.credential || rep.unverifiedCredential;
    if (!c || typeof c !== "object") { card.hidden = true; return; }
    card.hidden = false;
    const subj = list(c.credentialSubject)[0] || {};
    const ach = subj.achievement || {};
    const fig = el("div");
    const img = ach.image || c.image;
    const imgID = idOf(img);
    if (state.imageURL) fig.append(el("img", { src: state.imageURL, alt: "Badge image: " + (text(ach.name) || text(c.name)) }));
    else if (imgID.startsWith("data:image/")) fig.append(el("img", { src: imgID, alt: "Badge image: " + (text(ach.name) || text(c.name)) }));
    else if (imgID) fig.append(el("p", { class: "mono" }, "Image at " + imgID + " (not loaded: this page fetches nothing)"));
    const info = el("div");
    info.append(el("h3", {}, text(ach.name) || text(c.name) || "(no name)"));
    if (!rep.credential) info.append(el("p", { class: "claimed" }, "This is what the credential claims. It did not verify: do not rely on it."));
    if (text(ach.description)) info.append(el("p", {}, text(ach.description)));
    const dl = el("dl");
    const row = (k, v) => { if (v) dl.append(el("dt", {}, k), el("dd", {}, v)); };
    const issuer = c.issuer;
    row("Issued by", [text(issuer && issuer.name), idOf(issuer)].filter(Boolean).join(" — "));
    const recipient = [text(subj.name), subj.id].filter(Boolean);
    for (const idn of list(subj.identifier)) {
      recipient.push((text(idn.identityType) || "identifier") + ": " + text(idn.identityHash) + (idn.hashed ? " (hashed)" : ""));
    }
    row("Awarded to", recipient.join("; "));
    row("Criteria", [text(ach.criteria && ach.criteria.narrative), idOf(ach.criteria)].filter(Boolean).join(" — "));
    row("Type", text(ach.achievementType));
    row("Valid from", text(c.validFrom || c.issuanceDate));
    row("Valid until", text(c.validUntil || c.expirationDate));
    row("Awarded", text(c.awardedDate));
    const al = list(ach.alignment).map((a) => [text(a.targetName), text(a.targetFramework), text(a.targetCode), text(a.targetUrl)].filter(Boolean).join(" · "));
    row("Alignments", al.join("\n"));
    const rd = new Map(list(ach.resultDescription).map((r) => [text(r.id), text(r.name)]));
    const results = list(subj.result).map((r) => [rd.get(text(r.resultDescription)) || "", text(r.value), text(r.achievedLevel), text(r.status)].filter(Boolean).join(": "));
    row("Results", results.join("\n"));
    row("Credential id", text(c.id));
    info.append(dl);
    card.append(fig, info);
  }

  // Inputs.
  const drop = $("drop");
  drop.addEventListener("click", () => $("file").click());
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); } });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); if (state.ready) takeFiles(e.dataTransfer.files); });
  // Dropping anywhere else must not make the browser open the file.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
  $("file").addEventListener("change", (e) => { if (e.target.files.length) takeFiles(e.target.files); e.target.value = ""; });
  $("extras").addEventListener("change", async (e) => {
    const files = await Promise.all(Array.from(e.target.files).map(readFile));
    e.target.value = "";
    const byName = new Map(state.extras.map((x) => [x.name, x]));
    for (const f of files) byName.set(f.name, f);
    state.extras = Array.from(byName.values());
    run();
  });
  $("trust").addEventListener("change", async (e) => {
    const f = e.target.files[0];
    e.target.value = "";
    if (!f) return;
    const r = await readFile(f);
    state.trust = r.data;
    state.trustName = r.name;
    $("trust-state").textContent = "Trust list loaded: " + r.name + ". Only the issuers it names are trusted.";
    run();
  });
  $("forget").addEventListener("click", () => { state.extras = []; run(); setStatus("The status lists, receipts and DID documents you gave are forgotten."); });
  $("any").addEventListener("change", () => run());
  $("now").addEventListener("change", () => run());
  $("verify-paste").addEventListener("click", () => {
    const t = $("paste").value.trim();
    if (!t) { setStatus("Nothing pasted."); return; }
    setCredential({ name: "pasted text", data: new TextEncoder().encode(t) });
    run();
  });

  function fromFragment() {
    if (!location.hash.startsWith("#vc=")) return;
    const r = globalThis.microcred.decodeFragment(location.hash);
    if (r instanceof Error) { setStatus("The link's credential could not be read: " + r.message); return; }
    setCredential({ name: "the link", data: r });
    run();
  }
  window.addEventListener("hashchange", fromFragment);

  load().then(() => {
    state.ready = true;
    timing.readyMs = performance.now();
    document.body.dataset.state = "ready";
    setStatus("Ready. Nothing you give this page leaves your browser.");
    fromFragment();
  }, (err) => {
    document.body.dataset.state = "error";
    setStatus("The verifier could not start: " + err);
  });
})();
