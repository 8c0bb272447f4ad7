//! Attachment naming: a safe file name from a hostile one, and whether a
//! type or name is active content a browser would run or render.
//!
//! Must not touch: the file system (this only computes names; the caller
//! prefixes message number and part index and writes the file), and no I/O.

use super::clean::{is_bidi_control, is_control, is_invisible};

/// Longest name returned, in bytes.
const MAX_NAME_BYTES: usize = 100;
/// An "extension" longer than this is treated as part of the name.
const MAX_EXT_BYTES: usize = 16;

/// A safe file name for an attachment.
///
/// Keeps only the last path component, drops control, bidi and invisible
/// characters, replaces everything but letters, digits, `.`, `-` and `_`
/// with `_` (collapsing runs), strips leading and trailing dots, prefixes
/// Windows device names with `_`, and bounds the length to 100 bytes while
/// keeping the extension. An empty result becomes `attachment-<index>.<ext>`
/// with the extension guessed from `content_type`.
pub fn safe_filename(name: Option<&str>, index: usize, content_type: &str) -> String {
    let base = name.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let mut out = String::with_capacity(base.len().min(4 * MAX_NAME_BYTES));
    for c in base.trim().chars() {
        if is_control(c) || is_bidi_control(c) || is_invisible(c) || c == '\r' {
            continue;
        }
        let keep = c.is_alphanumeric()
            || matches!(c, '.' | '-' | '_')
            // Combining accents, as in decomposed (NFD) names from macOS.
            || ('\u{300}'..='\u{36f}').contains(&c);
        let c = if keep { c } else { '_' };
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    // No hidden files, and no trailing dots or underscores (Windows drops
    // trailing dots and spaces, which would change the extension).
    let trimmed = out.trim_start_matches('.').trim_end_matches(['.', '_']);
    if trimmed.chars().all(|c| c == '_' || c == '.') {
        return format!("attachment-{index}.{}", extension_for(content_type));
    }
    // A name without an extension gets one from its content type, so static
    // hosts serve it with the right type (`README` sent as PDF -> `README.pdf`).
    let with_ext;
    let trimmed = if !trimmed.contains('.') && !content_type.is_empty() {
        let ext = extension_for(content_type);
        if ext == "bin" {
            trimmed
        } else {
            with_ext = format!("{trimmed}.{ext}");
            with_ext.as_str()
        }
    } else {
        trimmed
    };
    let mut name = bound_length(trimmed);
    if is_windows_device_name(&name) {
        name.insert(0, '_');
        name = bound_length(&name);
    }
    name
}

/// Cut `name` to [`MAX_NAME_BYTES`], keeping a short extension intact.
fn bound_length(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_owned();
    }
    let ext = match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= MAX_EXT_BYTES + 1 => &name[dot..],
        _ => "",
    };
    let stem = &name[..name.len() - ext.len()];
    let mut cut = MAX_NAME_BYTES - ext.len();
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem[..cut].trim_end_matches(['.', '_']);
    format!("{stem}{ext}")
}

/// CON, PRN, AUX, NUL, COM1-9, LPT1-9 (and the superscript-digit forms),
/// with any extension, in any case.
fn is_windows_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let upper = stem.to_ascii_uppercase();
    if matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL") {
        return true;
    }
    let (Some(prefix), Some(digit)) = (upper.get(..3), upper.get(3..)) else {
        return false;
    };
    matches!(prefix, "COM" | "LPT")
        && matches!(
            digit,
            "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
        )
}

/// File extension for a content type, for attachments without a usable name.
fn extension_for(content_type: &str) -> &'static str {
    match essence(content_type).as_str() {
        "text/plain" => "txt",
        "text/html" => "html",
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpg",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        "message/rfc822" => "eml",
        "text/x-diff" | "text/x-patch" | "text/diff" | "text/patch" => "patch",
        _ => "bin",
    }
}

/// `type/subtype` in lower case, without parameters or whitespace.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Types a browser executes or renders as active content.
const ACTIVE_TYPES: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/xsl",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "text/x-javascript",
    "text/jscript",
    "text/ecmascript",
    "application/ecmascript",
    "application/x-ecmascript",
    "text/vbscript",
    "application/x-shockwave-flash",
    "application/hta",
    "text/x-component",
    "multipart/x-mixed-replace",
];

/// Extensions a browser (or a misconfigured static server) treats as active.
const ACTIVE_EXTENSIONS: &[&str] = &[
    "html", "htm", "xhtml", "xht", "shtml", "shtm", "mht", "mhtml", "svg", "svgz", "xml", "xsl",
    "xslt", "js", "mjs", "swf", "hta", "htc", "php", "phtml", "phar", "cgi", "asp", "aspx", "jsp",
];

/// Extensions that web servers map to a type browsers render as an HTML or
/// XML document (`text/html`, `text/xml`, `application/xml`, any `+xml`,
/// `text/xsl`), where script in the XHTML or SVG namespace runs: every such
/// extension of mime_guess 2.0.5 (what `larch serve` uses) and of Debian's
/// `/etc/mime.types` (Apache and many static hosts). `x.dtd` is served as
/// `text/xml`, `x.rs` by Apache as `application/rls-services+xml`. Sorted,
/// separated by spaces.
const XML_EXTENSIONS: &str = "\
    1km addin apxml asa asax ascx ashx asmx aspx atom atomcat atomdeleted atomsrv atomsvc \
    bmml ccmp ccxml cdfx cdxml cellml cl clue cml config coverage cpl csl dae datasource \
    davmount dbk dd2 ddf dgml disco dist distz dtb dtd dtsconfig dwd emma emotionml es3 et3 \
    fdt filters fo generictest gml gpx grxml gsheet hal held htm html hxa hxc hxe hxf hxk \
    hxt hxv ink inkml irp its kml lasxml lbe lgr library-ms link66 loadtest lostsyncxml \
    lostxml mads maei master mathml meta4 metalink mets mml mno mods moml mpd mpkg mrcx \
    mscml mtx musd musicxml mxml ncx obgx odd omdoc opf orderedtest osdx osm pkg provx \
    psess pskcxml rapd rdf rdlc relo res resx rfcxml rif rl rld rng rs rsat rsd rsheet rss \
    ruleset rusd sbml scl sdkd sdkm senmlx sensmlx settings shf shtml sitemap skin sls smi \
    smil sml snippet sru srx ssdl ssisdeploymentmanifest ssml stpx svc svg svgz swidtag td \
    tei teicorpus testrunconfig testsettings tfi trx ttml uis uo uoml uvt uvvt vcproj \
    vcxproj vml vscontent vsct vsixlangpack vsixmanifest vsmdi vssettings vstemplate vxml \
    wadl wbs webtest wif wiq wsdl wspolicy x3d x3dz xaml xav xca xcs xdf xdm xdp xdssc xel \
    xenc xer xht xhtm xhtml xhvml xlf xml xmls xmta xns xop xpl xrm-ms xsc xsd xsf xsl xslt \
    xsm xspf xss xul xvm xvml yin zaz zmm";

/// Would a browser execute or render this type as active content?
///
/// True for HTML, XHTML, SVG, XML (any `+xml`), XSL, scripts and Flash by
/// content type; for file names with an active extension anywhere after the
/// first dot (`x.html.txt` counts: some servers honour inner extensions); and
/// for a last extension that a web server serves as HTML or XML
/// ([`XML_EXTENSIONS`], or any extension containing `htm`, `xml`, `xsl` or
/// `svg`). Such attachments must be served as downloads.
pub fn is_active_type(content_type: &str, filename: &str) -> bool {
    let essence = essence(content_type);
    if ACTIVE_TYPES.contains(&essence.as_str()) || essence.ends_with("+xml") {
        return true;
    }
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let inner = base.split('.').skip(1).any(|ext| {
        let ext = ext.trim().to_ascii_lowercase();
        ACTIVE_EXTENSIONS.contains(&ext.as_str())
            || ext
                .strip_prefix("php")
                .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit()))
    });
    let last = match base.rsplit_once('.') {
        Some((_, ext)) => {
            let ext = ext.trim().to_ascii_lowercase();
            XML_EXTENSIONS.split(' ').any(|e| e == ext)
                || ["htm", "xml", "xsl", "svg"].iter().any(|k| ext.contains(k))
        }
        None => false,
    };
    inner || last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> String {
        safe_filename(Some(n), 3, "application/octet-stream")
    }

    #[test]
    fn paths_are_reduced_to_the_last_component() {
        assert_eq!(name("../../etc/passwd"), "passwd");
        assert_eq!(name("C:\\Windows\\system32\\x.dll"), "x.dll");
        assert_eq!(name("dir/"), "attachment-3.bin");
    }

    #[test]
    fn controls_bidi_and_invisibles_are_dropped() {
        assert_eq!(name("\0evil"), "evil");
        assert_eq!(name("a\u{202E}gnp.exe"), "agnp.exe");
        assert_eq!(name("in\u{200b}voice\u{feff}.pdf\u{2066}"), "invoice.pdf");
    }

    #[test]
    fn odd_characters_become_underscores() {
        assert_eq!(name("my report (final) .pdf"), "my_report_final_.pdf");
        assert_eq!(name("a<>:\"|?*b.txt"), "a_b.txt");
        assert_eq!(name("Ünïcödé 日本.txt"), "Ünïcödé_日本.txt");
        assert_eq!(name("ｅｖｉｌ.ｅｘｅ"), "ｅｖｉｌ.ｅｘｅ");
        assert_eq!(name("ｅｖｉｌ．ｅｘｅ"), "ｅｖｉｌ_ｅｘｅ");
        assert_eq!(
            name("e\u{301}t\u{301}e\u{301}.txt"),
            "e\u{301}t\u{301}e\u{301}.txt"
        );
    }

    #[test]
    fn dots_and_empties() {
        assert_eq!(name("...."), "attachment-3.bin");
        assert_eq!(name(".bashrc"), "bashrc");
        assert_eq!(name("evil.exe. . "), "evil.exe");
        assert_eq!(name("???"), "attachment-3.bin");
        assert_eq!(
            safe_filename(Some(""), 7, "text/plain; charset=utf-8"),
            "attachment-7.txt"
        );
        assert_eq!(safe_filename(None, 2, "IMAGE/JPEG"), "attachment-2.jpg");
        assert_eq!(safe_filename(None, 2, "text/x-patch"), "attachment-2.patch");
        assert_eq!(safe_filename(None, 2, "message/rfc822"), "attachment-2.eml");
        assert_eq!(safe_filename(None, 2, "weird"), "attachment-2.bin");
    }

    #[test]
    fn windows_device_names() {
        assert_eq!(name("CON.txt"), "_CON.txt");
        assert_eq!(name("nul"), "_nul");
        assert_eq!(name("com1.tar.gz"), "_com1.tar.gz");
        assert_eq!(name("LPT9"), "_LPT9");
        assert_eq!(name("COM10.txt"), "COM10.txt");
        assert_eq!(name("CONSOLE.txt"), "CONSOLE.txt");
    }

    #[test]
    fn long_names_keep_their_extension() {
        let long = "x".repeat(10_000) + ".pdf";
        let got = name(&long);
        assert_eq!(got.len(), 100);
        assert!(got.ends_with("xx.pdf"));
        let wide = "日".repeat(10_000) + ".txt";
        let got = name(&wide);
        assert!(got.len() <= 100 && got.ends_with("日.txt"), "{got}");
        let no_ext = "y".repeat(500) + "." + &"z".repeat(40);
        assert_eq!(name(&no_ext).len(), 100);
    }

    #[test]
    fn active_types() {
        for t in [
            "text/html; charset=utf-8",
            "Application/XHTML+XML",
            "image/svg+xml",
            "application/rss+xml",
            "text/xml",
            "application/javascript",
            "text/ecmascript",
            "application/x-shockwave-flash",
            "text/xsl",
        ] {
            assert!(is_active_type(t, "a.bin"), "{t}");
        }
        for f in [
            "x.HTML",
            "x.svgz",
            "a.js",
            "b.mjs",
            "c.hta",
            "d.html.txt",
            "e.php5",
            "dir/f.Xslt",
        ] {
            assert!(is_active_type("application/octet-stream", f), "{f}");
        }
        for (t, f) in [
            ("application/pdf", "a.pdf"),
            ("text/plain", "notes.txt"),
            ("image/png", "html.png"),
            ("text/x-patch", "0001-fix-js.patch"),
            ("application/octet-stream", "xml.tar.gz"),
            ("application/octet-stream", "svg-notes.txt"),
        ] {
            assert!(!is_active_type(t, f), "{t} {f}");
        }
    }

    /// Found by tools/xss-harness: an attachment named `svg11.dtd` (or
    /// `x.xsd`) kept its name, `larch serve` sent it as `text/xml`, and
    /// Chromium ran the script in it wherever no CSP header is sent (a plain
    /// static host). Every name a server would serve as an HTML or XML
    /// document must become a download.
    #[test]
    fn names_served_as_xml_documents_are_active() {
        for f in [
            "svg11.dtd",
            "xss.xsd",
            "X.XSD",
            "feed.rss",
            "feed.atom",
            "data.rdf",
            "service.wsdl",
            "shape.vml",
            "doc.xaml",
            "ui.xul",
            "lib.rs",
            "site.kml",
            "a.mathml",
            "b.xhtm",
            "c.shtm",
            "d.xml2",
            "e.xslt2",
            "f.svgx",
        ] {
            assert!(is_active_type("application/octet-stream", f), "{f}");
            let safe = safe_filename(Some(f), 1, "application/octet-stream");
            assert!(
                is_active_type("application/octet-stream", &safe),
                "{f} -> {safe}"
            );
        }
        let exts: Vec<&str> = XML_EXTENSIONS.split(' ').collect();
        assert_eq!(exts.len(), 222);
        assert!(
            exts.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(exts.iter().all(|e| {
            !e.is_empty()
                && e.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }));
    }
}
