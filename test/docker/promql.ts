/**
 * Reads the metric selectors out of a PromQL expression (the dashboards' and the rules'), enough to
 * check them against what the code exports: metric names and the label names of their matchers.
 * Not a full PromQL parser — `promtool check rules` checks the syntax.
 */

/** One metric selector: `name{label="…", …}`. */
export interface MetricUse {
  name: string;
  /** Label names used in the selector's matchers (not in by/without/on clauses). */
  labels: string[];
}

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'matchers'; labels: string[]; metricName: string | undefined }
  | { kind: 'punct'; text: string };

/** Words that are operators or modifiers, never metric names. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);
/** Keywords followed by a parenthesised list of label names. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Grafana's variables become values PromQL accepts: intervals a duration, the rest a word. */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$\{?__(?:rate_interval|interval|range)(?:_s|_ms)?\}?/g, '5m')
    .replace(/\[\[\w+\]\]/g, 'x')
    .replace(/\$\{(\w+)(?::\w+)?\}/g, 'x')
    .replace(/\$(\w+)/g, 'x');
}

function skipString(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' && quote !== '`' ? 2 : 1;
  return i + 1;
}

/** Label names of a `{…}` matcher list (and the metric name a `__name__="x"` matcher gives). */
function readMatchers(body: string): { labels: string[]; metricName: string | undefined } {
  const labels: string[] = [];
  let metricName: string | undefined;
  const matcher = /([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/g;
  for (const m of body.matchAll(matcher)) {
    const label = m[1]!;
    if (label === '__name__' && m[2] === '=') metricName = m[3]!.slice(1, -1);
    else labels.push(label);
  }
  return { labels, metricName };
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '#') while (i < expr.length && expr[i] !== '\n') i++;
    else if (c === '"' || c === "'" || c === '`') i = skipString(expr, i);
    else if (c === '{') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== '}') j = expr[j] === '"' || expr[j] === "'" || expr[j] === '`' ? skipString(expr, j) : j + 1;
      tokens.push({ kind: 'matchers', ...readMatchers(expr.slice(i + 1, j)) });
      i = j + 1;
    } else if (c === '[') {
      // A range or subquery: durations only.
      while (i < expr.length && expr[i] !== ']') i++;
      i++;
    } else if (/[0-9.]/.test(c)) {
      // A number or a duration (5m, 1h30m, 0x1F, 1e3).
      const m = /^[0-9.][0-9a-zA-Z._]*/.exec(expr.slice(i));
      i += m![0].length;
    } else if (/[A-Za-z_:]/.test(c)) {
      const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

/** Every metric selector of a PromQL expression, in order of appearance (Grafana variables allowed). */
export function metricSelectors(expr: string): MetricUse[] {
  const tokens = tokenize(substituteGrafanaVariables(expr));
  const uses: MetricUse[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (t.kind === 'matchers') {
      // A selector without a name before it: `{__name__="x"}`.
      const prev = tokens[i - 1];
      if (prev?.kind !== 'ident' && t.metricName) uses.push({ name: t.metricName, labels: t.labels });
      continue;
    }
    if (t.kind !== 'ident') continue;
    const lower = t.text.toLowerCase();
    if (LABEL_LIST_KEYWORDS.has(lower)) {
      if (next?.kind === 'punct' && next.text === '(') {
        let depth = 0;
        for (i = i + 1; i < tokens.length; i++) {
          const u = tokens[i]!;
          if (u.kind === 'punct' && u.text === '(') depth++;
          if (u.kind === 'punct' && u.text === ')' && --depth === 0) break;
        }
      }
      continue;
    }
    if (KEYWORDS.has(lower)) continue;
    if (next?.kind === 'punct' && next.text === '(') continue; // a function or an aggregation
    if (next?.kind === 'ident' && (next.text === 'by' || next.text === 'without')) continue; // `sum by (…) (…)`
    uses.push({ name: t.text, labels: next?.kind === 'matchers' ? next.labels : [] });
  }
  return uses;
}

/**
 * The metric selectors of a Grafana variable query: `label_values(metric, label)` (the label counts
 * as one of the metric's), `query_result(expr)`, or plain PromQL. `label_values(label)` and
 * `metrics(…)` name no metric.
 */
export function variableQuerySelectors(query: string): MetricUse[] {
  const q = query.trim();
  const labelValues = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/s.exec(q);
  if (labelValues) {
    const uses = metricSelectors(labelValues[1]!);
    // The label whose values are listed belongs to the metric too.
    return uses.map((u, i) => (i === 0 ? { name: u.name, labels: [...u.labels, labelValues[2]!] } : u));
  }
  if (/^label_values\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$/.test(q) || /^(metrics|label_names)\(/.test(q)) return [];
  const queryResult = /^query_result\((.*)\)$/s.exec(q);
  return metricSelectors(queryResult ? queryResult[1]! : q);
}
