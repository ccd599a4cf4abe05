#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The kecamatan server in a real browser.

Headless Chromium, driven through chromium-driver by python3-selenium,
against the real kecamatand that tests/browser/test_kecd_browser.sh
starts: a wrong password, today's page while punches arrive through the
push API, the drill-down desa -> person -> days, the XLSX download, a
bundle upload, another kecamatan's page (404), a forged CSRF token, an
expired session, and the kabupaten's pages.  Each page is saved at phone
width (390 px) and desktop width (1366 px).  Prints cmocka's summary
lines, so tests/run-tests.sh counts each scenario.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

WAIT_S = 60  # for a file, a page or an element to appear, at most
# (generous: make sanitize runs the server under ASan on a shared machine)


def parse_args():
    p = argparse.ArgumentParser()
    for a in ("url", "tmp", "box", "port", "clock", "bundle", "shots"):
        p.add_argument("--" + a, required=True)
    return p.parse_args()


class World:
    def __init__(self, args):
        self.a = args
        self.profile = tempfile.mkdtemp(prefix="pd-chromium-")
        self.downloads = tempfile.mkdtemp(prefix="pd-unduh-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--user-data-dir=" + self.profile, "--lang=id",
                     "--window-size=1366,900", "--hide-scrollbars"):
            opts.add_argument(flag)
        if os.geteuid() == 0:
            opts.add_argument("--no-sandbox")  # Chromium refuses root
        opts.add_experimental_option("prefs", {
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False,
        })
        self.d = webdriver.Chrome(
            service=Service("/usr/bin/chromedriver"), options=opts)
        self.d.set_page_load_timeout(WAIT_S)
        self.d.implicitly_wait(WAIT_S)  # find_element waits for the page
        self.d.execute_cdp_cmd("Page.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": self.downloads})

    def close(self):
        self.d.quit()
        shutil.rmtree(self.profile, ignore_errors=True)
        shutil.rmtree(self.downloads, ignore_errors=True)

    def go(self, path):
        self.d.get(self.a.url + path)

    def text(self):
        return self.d.find_element(By.TAG_NAME, "body").text

    def shot(self, name):
        """The whole page at 390 px and 1366 px."""
        for width in (390, 1366):
            self.d.set_window_size(width, 900)
            height = self.d.execute_script(
                "return Math.max(document.body.scrollHeight,"
                " document.documentElement.scrollHeight)")
            self.d.set_window_size(width, min(height + 140, 8000))
            self.d.save_screenshot(
                os.path.join(self.a.shots, "%s-%d.png" % (name, width)))
        self.d.set_window_size(1366, 900)

    def clock(self, utc):
        tmp = self.a.clock + ".tmp"
        with open(tmp, "w") as f:
            f.write(utc + "\n")
        os.replace(tmp, self.a.clock)

    def punch(self, box, person, at):
        d = os.path.join(self.a.tmp, box)
        subprocess.run([self.a.box, d, "punch", person, at], check=True)
        subprocess.run([self.a.box, d, "push", self.a.port], check=True,
                       stdout=subprocess.DEVNULL)

    def login(self, name, password):
        self.d.delete_all_cookies()
        self.go("/masuk")
        self.d.find_element(By.ID, "nama").send_keys(name)
        self.d.find_element(By.ID, "sandi").send_keys(password)
        self.d.find_element(By.CSS_SELECTOR, "form button").click()

    def hadir(self, desa):
        el = self.d.find_element(
            By.CSS_SELECTOR, "[data-desa='%s'] [data-hadir]" % desa)
        return int(el.get_attribute("data-hadir"))


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def until(cond, what):
    """Waits for the page a click started: cond() true within WAIT_S (a
    page may still be loading, its elements stale), else fails with what.
    Not a timing check: WAIT_S only bounds a hang."""
    end = time.monotonic() + WAIT_S
    while True:
        try:
            if cond():
                return
        except WebDriverException:
            pass  # the old page went away under us: look again
        if time.monotonic() > end:
            raise AssertionError(what)
        time.sleep(0.1)


def test_wrong_password(w):
    w.d.delete_all_cookies()
    w.go("/masuk")
    w.shot("masuk")
    w.login("camat.pucuk", "bukan-sandinya")
    until(lambda: "Nama pengguna atau kata sandi salah" in w.text(),
          "no message for a wrong password")
    check("/masuk" in w.d.current_url, "not on the login page")
    w.shot("masuk-gagal")


def test_today_while_punches_arrive(w):
    w.login("camat.pucuk", "sandi-camat-1")
    until(lambda: w.d.current_url.endswith("/k/1/hari-ini"),
          "the camat lands on " + w.d.current_url)
    check(w.hadir("3524012001") == 4, "4 in at Sukamaju before")
    # two more arrive and are pushed while the camat reads the page
    w.clock("2026-11-23T00:50:00Z")
    w.punch("sukamaju", "104", "2026-11-23 07:48:10")
    w.punch("sukamaju", "106", "2026-11-23 07:39:30")
    w.d.refresh()
    check(w.hadir("3524012001") == 6, "6 in at Sukamaju after the pushes")
    card = w.d.find_element(By.CSS_SELECTOR, "[data-desa='3524012001']")
    check("Dewi Lestari" in card.text and "terlambat TL1" in card.text,
          "Dewi shown late")
    check("5 belum hadir" in card.text, "five not in yet")
    w.shot("hari-ini")


def test_drill_down(w):
    w.d.find_element(By.LINK_TEXT, "Rekap").click()
    table = w.d.find_element(By.ID, "rekap-desa")
    check("Sukamaju" in table.text, "Sukamaju in the rekap")
    w.shot("rekap")
    table.find_element(By.LINK_TEXT, "Sukamaju").click()
    until(lambda: "Desa Sukamaju" in
          w.d.find_element(By.TAG_NAME, "h1").text, "the desa's page")
    w.shot("desa")
    w.d.find_element(By.ID, "rekap-orang").find_element(
        By.LINK_TEXT, "Dewi Lestari").click()
    days = w.d.find_element(By.ID, "hari").text
    check("07:48:10" in days, "Dewi's punch of the morning")
    check("terlambat" in days, "her day judged late")
    w.shot("orang")


def test_download_xlsx(w):
    w.go("/k/1/rekap?periode=2026-11")
    w.d.find_element(By.LINK_TEXT, "Unduh XLSX").click()
    path = os.path.join(w.downloads, "rekap-Pucuk-2026-11.xlsx")
    end = time.monotonic() + WAIT_S
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.1)  # the download's arrival, not a timing check
    check(os.path.exists(path), "the XLSX was not downloaded")
    with zipfile.ZipFile(path) as z:
        check("xl/workbook.xml" in z.namelist(), "not a workbook")
        book = z.read("xl/workbook.xml").decode()
        for sheet in ("Rekap", "Indikator", "Pelaporan"):
            check('name="%s"' % sheet in book, "sheet " + sheet)


def test_upload_bundle(w):
    w.go("/unggah")
    w.shot("unggah")
    w.d.find_element(By.ID, "berkas").send_keys(w.a.bundle)
    w.d.find_element(By.CSS_SELECTOR, "form.kartu button").click()
    res = w.d.find_element(By.ID, "hasil").text
    check("Diterima" in res and "Oktober 2026" in res, "upload: " + res)
    w.shot("unggah-hasil")


def test_other_kecamatan_is_404(w):
    w.go("/k/2/hari-ini")
    check("Tidak ditemukan" in w.text(), "Perak's page is not found")
    w.shot("tidak-ditemukan")
    w.go("/k/1/desa/3517012001")
    check("Tidak ditemukan" in w.text(), "Perak's desa is not found")


def test_forged_csrf_refused(w):
    w.go("/k/1/hari-ini")
    w.d.execute_script(
        "document.querySelector('form[action=\"/keluar\"] "
        "input[name=csrf]').value = '0'.repeat(64);")
    w.d.find_element(By.CSS_SELECTOR, "form[action='/keluar'] button").click()
    until(lambda: "Formulir ditolak" in w.text(),
          "a forged token was accepted")
    w.shot("csrf-ditolak")
    w.go("/k/1/hari-ini")
    check("Hari ini" in w.d.find_element(By.TAG_NAME, "h1").text,
          "the session survives a refused form")


def test_expired_session(w):
    w.clock("2026-11-23T01:21:00Z")  # 31 minutes later
    w.go("/k/1/rekap")
    check("/masuk?sesi=berakhir" in w.d.current_url,
          "not sent to the login: " + w.d.current_url)
    check("Sesi Anda telah berakhir" in w.text(), "no word of the end")
    w.shot("sesi-berakhir")


def test_kabupaten(w):
    w.login("admin.kab", "sandi-kab-1")
    until(lambda: w.d.current_url.endswith("/kabupaten"),
          "the kabupaten lands on " + w.d.current_url)
    table = w.d.find_element(By.ID, "rekap-kecamatan").text
    check("Pucuk" in table and "Perak" in table, "both kecamatan")
    w.shot("kabupaten")
    w.go("/aturan")
    w.shot("aturan")
    w.go("/k/1/perangkat")
    check("Sukamaju" in w.text(), "the boxes")
    w.shot("perangkat")
    w.go("/catatan")
    check("login-gagal" in w.text(), "the failed login is logged")
    w.shot("catatan")


TESTS = [test_wrong_password, test_today_while_punches_arrive,
         test_drill_down, test_download_xlsx, test_upload_bundle,
         test_other_kecamatan_is_404, test_forged_csrf_refused,
         test_expired_session, test_kabupaten]


def main():
    args = parse_args()
    os.makedirs(args.shots, exist_ok=True)
    w = World(args)
    failed = []
    print("[==========] Running %d test(s)." % len(TESTS))
    try:
        for t in TESTS:
            print("[ RUN      ] " + t.__name__)
            try:
                t(w)
                print("[       OK ] " + t.__name__)
            except Exception:  # one scenario's failure, reported
                traceback.print_exc()
                try:
                    w.shot("GAGAL-" + t.__name__)
                except Exception:
                    pass
                print("[  FAILED  ] " + t.__name__)
                failed.append(t.__name__)
    finally:
        w.close()
    print("[==========] %d test(s) run." % len(TESTS))
    print("[  PASSED  ] %d test(s)." % (len(TESTS) - len(failed)))
    if failed:
        print("[  FAILED  ] %d test(s), listed below:" % len(failed))
        for f in failed:
            print("[  FAILED  ] " + f)
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
