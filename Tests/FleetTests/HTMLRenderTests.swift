import Foundation
import Reporting
import TestSupport
import Testing

/// `scripts/render-html.sh` with the real headless Chromium (Debian `chromium`, from `make deps`):
/// the report renders at a laptop and a phone width without a single console message.
@Suite(.serialized) struct HTMLRenderTests {
    static let script = Validators.packageRoot + "/scripts/render-html.sh"

    func render(
        _ html: String, width: Int, height: Int, scale: Int, in folder: TempFolder
    ) throws -> (
        ProcessRunner.Result, String
    ) {
        let page = try folder.write("report-\(width).html", html)
        let png = folder.file("report-\(width).png")
        let result = try ProcessRunner.run(
            "/bin/bash", [Self.script, page, png, String(width), String(height), String(scale)])
        return (result, png)
    }

    /// Width and height from the PNG header.
    func size(_ png: String) throws -> (Int, Int) {
        let data = try #require(FileManager.default.contents(atPath: png))
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let bytes = [UInt8](data.prefix(24))
        let number = { (at: Int) in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (number(16), number(20))
    }

    @Test(arguments: [(1280, 1600, 1), (390, 2400, 2)])
    func rendersWithoutConsoleMessages(width: Int, height: Int, scale: Int) throws {
        let folder = try TempFolder()
        let html = HTMLReporter(
            toolVersion: "t", link: RepositoryLink(template: "https://git.example.com/r/blob/{commit}/{path}#L{line}")
        ).render(FleetScenario.fleet())
        let (result, png) = try render(html, width: width, height: height, scale: scale, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let (pixelsWide, pixelsHigh) = try size(png)
        #expect(pixelsWide == width * scale)
        #expect(pixelsHigh == height * scale)
    }

    /// The check that guards the others: a page that tries to load something is caught.
    @Test func aPageThatLoadsSomethingFails() throws {
        let folder = try TempFolder()
        let html = """
            <!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
            <body><img src="https://example.com/logo.png"></body></html>
            """
        let (result, _) = try render(html, width: 400, height: 300, scale: 1, in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the page logged to the console"))
        #expect(result.stderr.contains("Content Security Policy"))
    }
}
