-- Pandoc filter for perfdecl's forms: the few things HTML says with classes, said in
-- the target format. Divs of class `center` or `right` align their paragraphs; a div
-- of class `pagebreak` starts a new page (between the forms of a combined document), as
-- does one of class `continued` (between the pages of a form, continuation.py).

local function aligned(el, how)
  if FORMAT == "docx" then
    el.attributes["custom-style"] = how == "center" and "Center" or "Right"
    return el
  elseif FORMAT == "typst" then
    local out = { pandoc.RawBlock("typst", "#align(" .. how .. ")[") }
    for _, block in ipairs(el.content) do
      table.insert(out, block)
    end
    table.insert(out, pandoc.RawBlock("typst", "]"))
    return out
  end
end

function Div(el)
  if el.classes:includes("continued") then
    if FORMAT == "docx" then
      return pandoc.RawBlock("openxml", '<w:p><w:pPr><w:spacing w:before="0" w:after="0" '
        .. 'w:line="20" w:lineRule="exact" /></w:pPr><w:r><w:br w:type="page"/></w:r></w:p>')
    elseif FORMAT == "typst" then
      return pandoc.RawBlock("typst", "#pagebreak(weak: true)")
    end
  elseif el.classes:includes("form") and FORMAT == "typst" then
    return el.content  -- not a block: a page may break inside a form, not inside a block
  elseif el.classes:includes("pagebreak") then
    if FORMAT == "docx" then
      return pandoc.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
    elseif FORMAT == "typst" then
      return pandoc.RawBlock("typst", "#pagebreak()")
    end
  elseif el.classes:includes("center") then
    return aligned(el, "center")
  elseif el.classes:includes("right") then
    return aligned(el, "right")
  end
end

-- In Typst, each table row says where it stands: `<row>` metadata with its number (set
-- per form by export.split_typst, in the order of the rows), its page and the start of
-- its text, which the page maps (scripts/pagemaps.py) and the cuts (continuation.py)
-- read back (`perfdecl-row`, typeset.preamble: only where asked, as each mark costs the
-- layout a second pass). It is placed in the row's first cell of one row, before its text, and
-- takes no room: a cell spanning rows is laid out when its last row is, and centred
-- over them, so it would say another page.

local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

local function marked(row)
  local chosen = nil
  local texts = {}
  for _, cell in ipairs(row.cells) do
    if chosen == nil and cell.row_span == 1 then
      chosen = cell
    end
    local long = utf8.len(table.concat(texts, " | ")) or 0
    if chosen ~= nil and long > 24 then
      break  -- the start of the row's text is all a mark says
    end
    local text = pandoc.utils.stringify(cell.contents)
    if text ~= "" then
      table.insert(texts, text)
    end
  end
  chosen = chosen or row.cells[1]
  if chosen == nil then
    return
  end
  local text = table.concat(texts, " | ")
  if utf8.len(text) and utf8.len(text) > 24 then
    text = text:sub(1, utf8.offset(text, 25) - 1) .. "…"
  end
  local mark = pandoc.RawInline("typst", "#perfdecl-row(0, " .. typst_string(text) .. ");")
  local blocks = chosen.contents
  if #blocks > 0 and (blocks[1].t == "Plain" or blocks[1].t == "Para") then
    blocks[1].content:insert(1, mark)
  else
    blocks:insert(1, pandoc.Plain({ mark }))
  end
end

-- Label cells (class `label`) are centred, value cells start at the left, as on paper.
-- export.Converter says so in the HTML it hands pandoc (align="center" on label cells)
-- and in the Typst it gets back (a table's columns align left, for the cells that say
-- nothing), which is far cheaper than setting each cell here. The columns take no
-- alignment from the first row's cells: in DOCX a value cell keeps the default, so that
-- a right-aligned paragraph in it (the （盖章） of a review box) keeps its own style.
function Table(tbl)
  local specs = tbl.colspecs
  for i, spec in ipairs(specs) do
    specs[i] = { pandoc.AlignDefault, spec[2] }
  end
  tbl.colspecs = specs
  if FORMAT == "typst" then
    for _, row in ipairs(tbl.head.rows) do marked(row) end
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.head) do marked(row) end
      for _, row in ipairs(body.body) do marked(row) end
    end
    for _, row in ipairs(tbl.foot.rows) do marked(row) end
  end
  return tbl
end

-- The HTML <title> names the file for a browser; on paper the form's own heading is
-- the title, so pandoc must not print another one.
function Meta(meta)
  meta.title = nil
  meta.lang = nil  -- the language is set by the reference document and the Typst preamble
  return meta
end

-- No bookmarks or labels from headings: a combined document holds the same heading on
-- many pages.
function Header(header)
  header.identifier = ""
  return header
end
