//! TEMPORARY SHIM until the body helper lands.
pub struct BodyOptions {
    pub allow_remote_images: bool,
}
pub fn render_text(text: &str, _flowed: bool, _delsp: bool) -> String {
    format!(
        "<pre class=\"body\">{}</pre>",
        html_escape::encode_text(text)
    )
}
pub fn sanitize_html(
    html: &str,
    _opts: &BodyOptions,
    _cid: &dyn Fn(&str) -> Option<String>,
) -> String {
    ammonia::clean(html)
}
pub fn safe_filename(_name: Option<&str>, index: usize, _ct: &str) -> String {
    format!("attachment-{index}.bin")
}
pub fn is_active_type(_ct: &str, _f: &str) -> bool {
    true
}
