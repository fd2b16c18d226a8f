// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Offer the browser's time zone at registration so "today" is the patient's own day (the select keeps
  // "Choose…" when the browser names a zone it does not list; the patient can still choose one).
  const tz = document.querySelector("[data-detect-timezone]");
  if (tz && !tz.value && window.Intl) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* keep the default */ }
    if (!tz.value && tz.options) { tz.selectedIndex = 0; }
  }

  // A refused form: its summary of errors takes focus (read out first), and each link there moves to its field.
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.hash.slice(1));
      if (!field) return;
      event.preventDefault();
      const section = field.closest("section.folded");
      if (section) setFolded(section, false);
      field.focus({preventScroll: true});
      (field.closest("fieldset, .field") || field).scrollIntoView({block: "center"});
    });
  }

  const entry = document.querySelector("form.entry");
  if (!entry) return;

  // A second tap on Save while the first is on its way does nothing (the server would only update the same day).
  entry.addEventListener("submit", (event) => {
    const button = entry.querySelector("button[type=submit]");
    setTimeout(() => { if (!event.defaultPrevented && button) button.disabled = true; }, 0);
  });

  // Sections fold once answered (DESIGN.md "The daily form"): a section whose questions (data-answers) all
  // have an answer folds to one line that says them when the patient moves on to a later section, or when
  // "same as yesterday" fills it. The line is a button that opens it again. Symptoms and notes never fold.
  const sections = [...entry.querySelectorAll("section[data-answers]")];

  function answers(section) {
    const said = [];
    const names = section.dataset.answers.split(" ");
    for (const name of names) {
      const value = answerOf(name);
      if (value === null) return null;
      const legend = entry.elements[name] instanceof RadioNodeList && section.querySelector(`#${name}-0`).closest("fieldset").querySelector("legend");
      said.push(names.length > 1 && legend ? `${legend.firstChild.textContent.trim().toLowerCase()} ${value}` : value);
    }
    section.querySelectorAll("input[type=checkbox]:checked").forEach((box) => said.push(box.labels[0].textContent.trim()));
    section.querySelectorAll("input[type=number]").forEach((input) => {
      if (input.value && !names.includes(input.name)) said.push(`${input.labels[0].textContent.trim()}: ${input.value}`);
    });
    return said.join(", ");
  }

  function answerOf(name) {
    const field = entry.elements[name];
    if (field instanceof RadioNodeList) {
      const chosen = [...field].find((option) => option.checked);
      return chosen ? chosen.nextElementSibling.textContent.trim() : null;
    }
    return field.value ? `${field.value}${field.dataset.unit ? " " + field.dataset.unit : ""}` : null;
  }

  function fold(section) {
    const said = answers(section);
    if (said === null) return;
    toggleOf(section).querySelector(".answers").textContent = said;
    setFolded(section, true);
  }

  function toggleOf(section) {
    const heading = section.querySelector("h2");
    let toggle = heading.querySelector("button.fold");
    if (!toggle) {
      toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "fold";
      const title = document.createElement("span");
      title.textContent = heading.textContent;
      const said = document.createElement("span");
      said.className = "answers";
      toggle.append(title, said);
      heading.replaceChildren(toggle);
      toggle.addEventListener("click", () => setFolded(section, !section.classList.contains("folded")));
    }
    return toggle;
  }

  function setFolded(section, folded) {
    section.classList.toggle("folded", folded);
    toggleOf(section).setAttribute("aria-expanded", String(!folded));
  }

  entry.addEventListener("change", (event) => {
    const here = event.target.closest("section");
    if (!here) return;
    const said = here.querySelector("button.fold .answers");
    if (said) said.textContent = answers(here) || "";
    sections.filter((section) => here.compareDocumentPosition(section) & Node.DOCUMENT_POSITION_PRECEDING).forEach(fold);
  });

  // "Same as yesterday": the scales of the day before fill in here (the link's own page does it without
  // JavaScript). Nothing is saved until Save.
  const same = document.getElementById("same-as");
  if (same) {
    same.addEventListener("click", (event) => {
      event.preventDefault();
      const values = JSON.parse(same.dataset.values);
      Object.keys(values).forEach((name) => {
        const option = entry.querySelector(`input[name="${name}"][value="${values[name]}"]`);
        if (option) option.checked = true;
      });
      sections.forEach(fold);
      const done = document.createElement("p");
      done.className = "notice info";
      done.setAttribute("role", "status");
      done.textContent = `Filled in the dryness, mood and acne scales from ${same.textContent.replace(/^Same as /, "")}. Change anything, then Save.`;
      same.parentElement.replaceChildren(done);
    });
  }
})();
