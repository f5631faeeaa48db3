// A tiny XML well-formedness check (no DOM, no package): declaration, comments, elements with
// quoted attributes (no duplicates), entity references, properly nested and one root. Enough to
// tell that an exported SVG would parse; returns the elements' names in document order.
export function checkXml(text: string): { elements: string[]; root: string } {
  let i = 0;
  const stack: string[] = [];
  const elements: string[] = [];
  let root: string | null = null;
  const fail = (why: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`not well-formed XML at line ${line}: ${why}`);
  };
  const checkText = (s: string): void => {
    const bad = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(s);
    if (bad) fail(`a bare '&' in ${JSON.stringify(s.slice(Math.max(0, bad.index - 10), bad.index + 10))}`);
    if (s.includes('<')) fail("a '<' in text");
  };
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) fail('unterminated declaration');
    i = end + 2;
  }
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (stack.length === 0 && chunk.trim() !== '') fail('text outside the root element');
    checkText(chunk);
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
      continue;
    }
    const gt = text.indexOf('>', i);
    if (gt < 0) fail('unterminated tag');
    const tag = text.slice(i + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) fail(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w.:-]*)/.exec(body);
    if (!m) fail(`bad tag <${tag}>`);
    const name = m![1]!;
    const attrs = body.slice(name.length);
    const seen = new Set<string>();
    const re = /\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/y;
    let pos = 0;
    for (;;) {
      re.lastIndex = pos;
      const a = re.exec(attrs);
      if (!a) break;
      if (seen.has(a[1]!)) fail(`attribute ${a[1]} twice on <${name}>`);
      seen.add(a[1]!);
      checkText(a[3] ?? a[4] ?? '');
      pos = re.lastIndex;
    }
    if (attrs.slice(pos).trim() !== '') fail(`bad attributes on <${name}>: ${JSON.stringify(attrs.slice(pos, pos + 40))}`);
    if (stack.length === 0) {
      if (root !== null) fail('a second root element');
      root = name;
    }
    elements.push(name);
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) fail(`<${stack.at(-1)}> is never closed`);
  if (root === null) fail('no root element');
  return { elements, root: root! };
}
