/**
 * A small XML well-formedness checker for SVG produced by the kernel: one root element, matched
 * start and end tags, quoted attributes without duplicates, and no `<` or bare `&` in text or
 * attribute values. It does not read DTDs, CDATA sections or processing instructions other than
 * the XML declaration, which the kernel's SVG does not contain.
 */

/** Elements of a well-formed document. */
export interface XmlSummary {
  /** Name of the root element. */
  root: string;
  /** Number of elements of each name. */
  counts: Map<string, number>;
  /** Character data of each element, decoded, in document order, keyed by element name. */
  texts: Map<string, string[]>;
}

/** Entity references that XML defines without a DTD, and numeric references. */
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

const NAME = "[A-Za-z_:][-A-Za-z0-9_:.]*";
const START_TAG = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`);
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, "g");
const END_TAG = new RegExp(`^</(${NAME})\\s*>`);

/**
 * Checks that `xml` is a well-formed document and summarizes its elements.
 *
 * @throws Error naming the offset and the problem when it is not well-formed.
 */
export function checkXml(xml: string): XmlSummary {
  const counts = new Map<string, number>();
  const texts = new Map<string, string[]>();
  const stack: { name: string; text: string }[] = [];
  let root: string | undefined;
  let offset = 0;

  const fail = (problem: string): never => {
    throw new Error(`Invalid XML at offset ${offset}: ${problem}. Context: ${JSON.stringify(xml.slice(offset, offset + 60))}`);
  };
  const checkCharacterData = (text: string, where: string): string => {
    for (let i = text.indexOf("&"); i !== -1; i = text.indexOf("&", i + 1)) {
      if (!ENTITY.test(text.slice(i))) {
        fail(`bare & in ${where}`);
      }
    }
    if (text.includes("<")) {
      fail(`< in ${where}`);
    }
    return text
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#([0-9]+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
      .replace(/&amp;/g, "&");
  };

  // An optional XML declaration.
  const declaration = /^<\?xml[^?]*\?>/.exec(xml);
  if (declaration) {
    offset = declaration[0].length;
  }

  while (offset < xml.length) {
    const rest = xml.slice(offset);

    // Character data up to the next tag. Outside the root only whitespace may appear.
    if (!rest.startsWith("<")) {
      const end = rest.indexOf("<");
      const text = end === -1 ? rest : rest.slice(0, end);
      if (stack.length === 0 && text.trim() !== "") {
        fail("text outside the root element");
      }
      const decoded = checkCharacterData(text, "text");
      if (stack.length > 0) {
        stack[stack.length - 1]!.text += decoded;
      }
      offset += text.length;
      continue;
    }

    if (rest.startsWith("<!--")) {
      const end = rest.indexOf("-->");
      if (end === -1) {
        fail("unterminated comment");
      }
      offset += end + 3;
      continue;
    }

    const endTag = END_TAG.exec(rest);
    if (endTag) {
      const open = stack.pop();
      if (open === undefined || open.name !== endTag[1]) {
        fail(`end tag </${endTag[1]}> does not match ${open ? `<${open.name}>` : "any open element"}`);
      }
      texts.set(open!.name, [...(texts.get(open!.name) ?? []), open!.text]);
      offset += endTag[0].length;
      continue;
    }

    const startTag = START_TAG.exec(rest);
    if (!startTag) {
      fail("malformed tag");
    }
    const [tag, name, attributeText, selfClosing] = startTag!;
    if (stack.length === 0) {
      if (root !== undefined) {
        fail(`second root element <${name}>`);
      }
      root = name;
    }

    const seen = new Set<string>();
    for (const [, attribute, value] of attributeText!.matchAll(ATTRIBUTE)) {
      if (seen.has(attribute!)) {
        fail(`attribute ${attribute} repeats on <${name}>`);
      }
      seen.add(attribute!);
      checkCharacterData(value!, `attribute ${attribute}`);
    }

    counts.set(name!, (counts.get(name!) ?? 0) + 1);
    if (selfClosing === "/") {
      texts.set(name!, [...(texts.get(name!) ?? []), ""]);
    } else {
      stack.push({ name: name!, text: "" });
    }
    offset += tag.length;
  }

  if (stack.length > 0) {
    fail(`<${stack[stack.length - 1]!.name}> is not closed`);
  }
  if (root === undefined) {
    fail("no root element");
  }
  return { root: root!, counts, texts };
}
