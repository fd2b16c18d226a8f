// Run in the page by support.layout_problems(): what a phone user would trip over, as readable lines.
// Tappable things, and what a person actually taps: a visually hidden radio or checkbox is tapped through its
// label. Inline links inside a sentence are exempt from the 44 px minimum (WCAG 2.5.8's "inline" exception,
// and 2.5.5's): enlarging them would break the spacing of the text. They must still be set at 16 px or more.
// A step of a 0–10 scale is one of eleven adjoining segments of a single row (DESIGN.md "The daily form":
// the scale fits one row at 360 px): it must be 44 px high and at least `minStepWidth` wide (30 px, above
// WCAG 2.5.8's 24 px minimum), and may not overlap its neighbours.
({viewportWidth, minTarget, minFont, minStepWidth}) => {
  const problems = [];
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '')
      + (text ? ' "' + text.slice(0, 40) + '"' : '');
  };
  const root = document.documentElement;
  if (root.scrollWidth > viewportWidth) {
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > viewportWidth + 0.5)
      .slice(0, 5).map(describe);
    problems.push(`page scrolls sideways: ${root.scrollWidth}px wide in a ${viewportWidth}px viewport (${wide.join('; ')})`);
  }
  if (window.innerWidth !== viewportWidth) {
    problems.push(`layout viewport is ${window.innerWidth}px, not ${viewportWidth}px (content forces zooming out)`);
  }
  const shown = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = el.getBoundingClientRect();
    // Off-screen on purpose (the skip link until it is focused).
    return box.width > 0 && box.height > 0 && box.right > 0 && box.left < viewportWidth;
  };
  const targetOf = (el) => {
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      return el.closest('label') || (el.labels && el.labels[0]) || el;
    }
    return el;
  };
  const inlineInText = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement.closest('p, li, dd, td, span, div');
    if (!block) return false;
    const own = block.innerText.replace(/\s+/g, '');
    const links = [...block.querySelectorAll('a')].map((a) => a.innerText.replace(/\s+/g, '')).join('');
    return own.length > links.length;
  };
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const targets = [];
  for (const el of document.querySelectorAll(selector)) {
    const target = targetOf(el);
    if (!targets.includes(target) && shown(target)) targets.push(target);
  }
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    if (inlineInText(el)) {
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < minFont) problems.push(`inline link set at ${size}px (< ${minFont}px): ${describe(el)}`);
      continue;
    }
    const minWidth = el.matches('.steps > label.step') ? minStepWidth : minTarget;
    if (box.width < minWidth - 0.5 || box.height < minTarget - 0.5) {
      problems.push(`tap target ${Math.round(box.width)}×${Math.round(box.height)} px (< ${minWidth}×${minTarget}): ${describe(el)}`);
    }
  }
  const fields = 'input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=submit]):not([type=button]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    if (!shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minFont) problems.push(`input text ${size}px (< ${minFont}px, phones zoom in): ${describe(el)}`);
  }
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i], b = targets[j];
      if (a.contains(b) || b.contains(a)) continue;
      const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 1 && h > 1) problems.push(`overlap ${Math.round(w)}×${Math.round(h)} px: ${describe(a)} and ${describe(b)}`);
    }
  }
  return problems;
}
