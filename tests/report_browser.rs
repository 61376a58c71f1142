//! The report of the baseline scenario in a real browser (headless
//! Chromium): it loads without console errors, every derived conclusion is
//! on the page, a link to a conclusion opens it and shows its quote, sorting
//! and filtering reorder and hide the right conclusions, and a
//! screenshot (saved under target/) is not blank.
//!
//! Without Chromium the test is skipped with a loud message, except under
//! CI (`CI` set), where `.ci/run` installs it and its absence is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BASELINE: &str = "rules/kim-simon-2021/scenarios/baseline_2021.wr";

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Runs headless Chromium on a URL with extra flags; returns stdout and
/// stderr. A browser that hangs is killed after two minutes.
fn browse(browser: &str, profile: &Path, extra: &[&str], url: &str) -> (String, String) {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            // Lets scripts and layout finish before the DOM or pixels are read.
            "--virtual-time-budget=5000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Chromium starts");
    let started = Instant::now();
    // Drain both pipes on threads so that a large DOM cannot block the browser.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).ok();
        s
    });
    loop {
        if child.try_wait().expect("waits").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            child.wait().ok();
            panic!("Chromium did not finish within two minutes on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (
        out.join().expect("stdout read"),
        err.join().expect("stderr read"),
    )
}

/// Lines where the page's console said something (an uncaught error, a
/// failed load, a `console.error`); the page itself logs nothing.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Mean and variance of the screenshot's luminance.
fn luminance_stats(png_path: &Path) -> (f64, f64) {
    let file = std::fs::File::open(png_path).expect("screenshot written");
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    assert!(info.bit_depth == png::BitDepth::Eight && channels >= 3);
    let pixels: Vec<f64> = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| 0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2]))
        .collect();
    let n = pixels.len() as f64;
    let mean = pixels.iter().sum::<f64>() / n;
    let var = pixels.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var)
}

#[test]
fn baseline_report_in_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "Chromium is not installed, but CI must run the browser test: .ci/run installs it"
            );
        }
        eprintln!(
            "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             SKIPPED: Chromium is not installed; the report was NOT tested in a browser.\n\
             Install it (`apt-get install -y chromium`) to run this test.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        return;
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("output folder");
    let page = dir.join("baseline.html");
    let warrant = PathBuf::from(env!("CARGO_BIN_EXE_warrant"));
    let made = Command::new(&warrant)
        .args(["report", BASELINE, "--date", "2026-11-29", "-o"])
        .arg(&page)
        .output()
        .expect("warrant runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let html = std::fs::read_to_string(&page).expect("report written");

    // The conclusions, independently of the report: `run --format json`.
    let run = Command::new(&warrant)
        .args(["run", BASELINE, "--format", "json"])
        .output()
        .expect("warrant runs");
    let run: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let rows: Vec<String> = run["predicates"]
        .as_array()
        .expect("predicates")
        .iter()
        .flat_map(|p| p["rows"].as_array().cloned().unwrap_or_default())
        .map(|r| r["row"].as_str().expect("row text").to_string())
        .collect();
    assert!(rows.len() > 100, "the baseline derives many conclusions");

    // Detecting console errors works with this browser: a broken page is caught.
    let broken = dir.join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><p>x</p><script>notDefined();</script>",
    )
    .expect("written");
    let (_, err) = browse(
        browser,
        &dir.join("profile-0"),
        &["--dump-dom"],
        &file_url(&broken),
    );
    assert!(
        !console_lines(&err).is_empty(),
        "a page with an uncaught error must show up on the console log:\n{err}"
    );

    // 1. It loads with no console errors, the script runs, every conclusion is there.
    let (dom, err) = browse(
        browser,
        &dir.join("profile-1"),
        &["--dump-dom"],
        &file_url(&page),
    );
    assert_eq!(console_lines(&err), Vec::<&str>::new(), "console errors");
    assert!(dom.contains("</html>"), "the DOM was dumped");
    let shown = format!("{} of {} conclusions shown", rows.len(), rows.len());
    assert!(
        dom.contains(&shown),
        "the script ran and counts every conclusion: {shown}"
    );
    assert!(
        !dom.contains("id=\"_controls\" class=\"controls\" hidden"),
        "the script shows its controls"
    );
    for row in &rows {
        let needle = format!("<summary><code>{}</code>", html_escape(row));
        assert!(
            dom.contains(&needle),
            "conclusion `{row}` is not on the page"
        );
    }

    // 2. Following a link to a conclusion opens it, and its quote shows.
    let (id, quote) = html
        .split("<details class=\"conclusion\" id=\"")
        .skip(1)
        .find_map(|part| {
            let id = &part[..part.find('"')?];
            let body = &part[..part.find("</details>")?];
            let q = body.split("<blockquote class=\"quote\"><p>").nth(1)?;
            Some((id.to_string(), q[..q.find("</p>")?].to_string()))
        })
        .expect("a conclusion that cites a quote");
    let url = format!("{}#{id}", file_url(&page));
    let (dom, err) = browse(browser, &dir.join("profile-2"), &["--dump-dom"], &url);
    assert_eq!(console_lines(&err), Vec::<&str>::new(), "console errors");
    let at = dom
        .find(&format!("id=\"{id}\""))
        .expect("the linked conclusion");
    let element = &dom[at..at + dom[at..].find("</details>").expect("closed")];
    let open_tag = &element[..element.find('>').expect("tag")];
    assert!(
        open_tag.contains("open"),
        "the linked conclusion is open: {open_tag}"
    );
    assert!(element.contains(&quote), "its quote is inside it");
    assert!(
        !html[html.find(&format!("id=\"{id}\"")).expect("in the file")..]
            .split('>')
            .next()
            .expect("tag")
            .contains("open"),
        "the file itself has it closed: the browser opened it"
    );

    // 3. Sorting and filtering: a copy of a small report with a probe that
    //    picks "least likely first" and "at least likely", then records the
    //    order and what is hidden.
    let small = Command::new(&warrant)
        .args([
            "report",
            "tests/data/report/base.wr",
            "--no-graphs",
            "--date",
            "d",
        ])
        .output()
        .expect("warrant runs");
    let probe = "<script>\n\
        var s = document.getElementById('_f-sort'); s.value = 'asc'; s.dispatchEvent(new Event('change'));\n\
        var m = document.getElementById('_f-min'); m.value = '5500'; m.dispatchEvent(new Event('change'));\n\
        document.body.setAttribute('data-probe', Array.prototype.map.call(document.querySelectorAll('details.conclusion'),\n\
          function (d) { return d.id + (d.hidden ? ':hidden' : ''); }).join(' '));\n\
        </script></body>";
    let probed = String::from_utf8_lossy(&small.stdout).replace("</body>", probe);
    let probe_page = dir.join("probe.html");
    std::fs::write(&probe_page, probed).expect("written");
    let (dom, err) = browse(
        browser,
        &dir.join("profile-p"),
        &["--dump-dom"],
        &file_url(&probe_page),
    );
    assert_eq!(console_lines(&err), Vec::<&str>::new(), "console errors");
    assert!(
        dom.contains(
            "data-probe=\"hedges-germany:hidden hedges-korea hedges-japan arms-japan:hidden \
             worried-us-japan:hidden reassured-korea:hidden reassured-germany\""
        ),
        "least likely first within each predicate, below `likely` hidden"
    );
    assert!(dom.contains("3 of 7 conclusions shown"));

    // 4. A screenshot of what a colleague sees first, not blank.
    let shot = dir.join("baseline.png");
    let arg = format!("--screenshot={}", shot.display());
    browse(
        browser,
        &dir.join("profile-3"),
        &[&arg, "--window-size=1280,1600", "--hide-scrollbars"],
        &file_url(&page),
    );
    let (mean, variance) = luminance_stats(&shot);
    eprintln!(
        "screenshot {}: mean luminance {mean:.1}, variance {variance:.1}",
        shot.display()
    );
    assert!(
        variance > 100.0,
        "the screenshot is blank (luminance variance {variance:.1})"
    );
}
