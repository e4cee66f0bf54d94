package org.inferenceauth.it.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through {@code /usr/bin/chromedriver} (never a downloaded
 * driver), with a fresh profile per test and numbered screenshots of each step under
 * {@code target/screenshots/<test>/<nn-step>.png}.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("browser.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("browser.chromedriver", "/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final Path profile;
    private final Path downloads;
    private final Path screenshots;
    private int step;

    private Browser(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.downloads = profile.resolve("downloads");
        this.screenshots = screenshots;
    }

    /** A new browser whose screenshots go to {@code <screenshots.dir>/<testName>/}. */
    static Browser open(String testName) {
        for (String executable : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(executable))) {
                throw new IllegalStateException(executable + " is missing: browser tests need Debian's Chromium and "
                        + "its driver (apt-get install -y chromium chromium-driver)");
            }
        }
        // Selenium Manager must never try to download a driver or a browser.
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        Path screenshots = Path.of(System.getProperty("screenshots.dir", "target/screenshots")).resolve(testName);
        try {
            deleteRecursively(screenshots);
            Files.createDirectories(screenshots);
            Path profile = Files.createTempDirectory("chromium-profile-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments(
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=1280,1000", "--lang=en-US",
                    "--user-data-dir=" + profile);
            // The page's console messages, saved next to the screenshots when a test fails.
            options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
            // Downloads land in the profile's downloads/ folder without asking (see download()).
            options.setExperimentalOption("prefs", java.util.Map.of(
                    "download.default_directory", profile.resolve("downloads").toString(),
                    "download.prompt_for_download", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER))
                    .usingAnyFreePort()
                    .build();
            return new Browser(new ChromeDriver(service, options), profile, screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WebDriver driver() {
        return driver;
    }

    void get(String url) {
        driver.get(url);
    }

    String currentUrl() {
        return driver.getCurrentUrl();
    }

    /** Saves {@code <nn>-<name>.png} for this step and returns its path. */
    Path screenshot(String name) {
        step++;
        Path target = screenshots.resolve(String.format("%02d-%s.png", step, name));
        try {
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    Path screenshotsDir() {
        return screenshots;
    }

    /** The element once it is visible. */
    WebElement visible(By by) {
        return until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** The element once it is visible and enabled. */
    WebElement clickable(By by) {
        return until(ExpectedConditions.elementToBeClickable(by));
    }

    void click(By by) {
        clickable(by).click();
    }

    void type(By by, String text) {
        WebElement input = visible(by);
        input.clear();
        input.sendKeys(text);
    }

    /** Waits until the element is gone or hidden. */
    void gone(By by) {
        until(ExpectedConditions.invisibilityOfElementLocated(by));
    }

    /** Waits until the element's visible text contains {@code text}; returns the element. */
    WebElement withText(By by, String text) {
        until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition::apply);
    }

    /** Sets an input's value the way React sees it (date inputs do not take typed text reliably). */
    void setValue(By by, String value) {
        WebElement input = visible(by);
        ((JavascriptExecutor) driver).executeScript(
                "const input = arguments[0];"
                        + "const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
                        + "setter.call(input, arguments[1]);"
                        + "input.dispatchEvent(new Event('input', { bubbles: true }));"
                        + "input.dispatchEvent(new Event('change', { bubbles: true }));",
                input, value);
    }

    /** The file a download saved under this name, once complete. */
    Path download(String fileName) {
        Path file = downloads.resolve(fileName);
        return until(driver -> Files.isRegularFile(file)
                && !Files.exists(downloads.resolve(fileName + ".crdownload")) ? file : null);
    }

    /** Delays every later request by {@code latency} (Chromium's network emulation). */
    void slowNetwork(Duration latency) {
        org.openqa.selenium.chromium.ChromiumNetworkConditions conditions =
                new org.openqa.selenium.chromium.ChromiumNetworkConditions();
        conditions.setLatency(latency);
        driver.setNetworkConditions(conditions);
    }

    /** Runs a test's steps; when one fails, saves a screenshot named "failed" and rethrows. */
    void run(Runnable steps) {
        try {
            steps.run();
        } catch (RuntimeException | AssertionError e) {
            try {
                screenshot("failed");
                Files.write(screenshots.resolve("browser-console.log"),
                        driver.manage().logs().get("browser").getAll().stream()
                                .map(entry -> entry.getLevel() + " " + entry.getMessage()).toList());
            } catch (RuntimeException | IOException screenshotFailed) {
                e.addSuppressed(screenshotFailed);
            }
            throw e;
        }
    }

    /** Fills in Keycloak's login form and submits it. */
    void logIn(String username, String password) {
        type(By.id("username"), username);
        type(By.id("password"), password);
        screenshot("login-form");
        click(By.id("kc-login"));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteRecursively(profile);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
