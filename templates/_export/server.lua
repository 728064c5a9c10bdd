-- perfdecl's pandoc server: `pandoc lua server.lua FILTER REFERENCE_DOCX`.
-- Converts many HTML forms in one pandoc process, so the start-up and the reference
-- document are paid once. Requests on stdin: a line "FORMATS LENGTH" (FORMATS is
-- docx, typst or docx,typst), then LENGTH bytes of HTML. For each format, the answer on
-- stdout is a line "ok LENGTH" or "error LENGTH", then LENGTH bytes.

local filter_path, reference = arg[1], arg[2]
dofile(filter_path)  -- defines the filter functions (Div, Table, Header, Meta)
local filter = { Div = Div, Table = Table, Header = Header, Meta = Meta }
local options = {
  docx = pandoc.WriterOptions { reference_doc = reference },
  typst = pandoc.WriterOptions {},
}

local function answer(status, bytes)
  io.stdout:write(status, " ", #bytes, "\n", bytes)
end

while true do
  local header = io.stdin:read("l")
  if not header then break end
  local formats, length = header:match("^(%S+) (%d+)$")
  -- read(0) would wait for a byte to tell the end of input from an empty string
  local html = tonumber(length) > 0 and io.stdin:read(tonumber(length)) or ""
  local read_ok, doc = pcall(pandoc.read, html, "html")
  for format in formats:gmatch("[^,]+") do
    if not read_ok then
      answer("error", tostring(doc))
    else
      FORMAT = format  -- the filter's functions ask which format they write
      local ok, out = pcall(function()
        return pandoc.write(doc:walk(filter), format, options[format])
      end)
      answer(ok and "ok" or "error", tostring(out))
    end
  end
  io.stdout:flush()
end
