using System.CommandLine;

namespace SignalPipeline.Functions.Cli;

/// <summary>The verbs of docs/contracts/cli.md (v1 and v2) and their options. Each action reads its typed options and
/// calls one method of <see cref="Verbs"/> through <see cref="CliApp.RunVerbAsync"/>.</summary>
public static class Commands
{
    public const string ExitCodes = "exit codes: 0 success; 1 usage error or the run failed; 2 an extract was rejected; 3 refused for safety " +
        "(keys missing or changed, storage unreachable, a snapshot made under another key, a broken audit chain)";

    public static RootCommand Build(CliContext cx)
    {
        var root = new RootCommand($"SignalPipeline: data-driven signals for the bestuurlijke aanpak ondermijning.\n{ExitCodes}")
        {
            Options.Territory(), Options.Register(),
            Ingest(cx), Nightly(cx), Signals(cx), Register(cx), Serve(cx), Demo(cx), Retention(cx), Audit(cx), Subject(cx), Dpia(cx), Models(cx), Runs(cx), Checklist(cx),
            SampleBrp(cx), BenchAno(cx), BenchFormats(cx),
        };
        // No verb: the help, and a usage error's exit code.
        root.SetAction(parsed => { new System.CommandLine.Help.HelpAction().Invoke(parsed); return 1; });
        return root;
    }

    static Command Ingest(CliContext cx)
    {
        var paths = new Argument<string[]>("path") { Description = "extract files, or folders laid out as {source}/{yyyy-MM-dd}/{name}.csv[.gz]", Arity = ArgumentArity.OneOrMore };
        var source = new Option<string?>("--source") { Description = "the source of single files: brp, bag, permits or enforcement" };
        var date = Options.Date("the extract date of single files");
        var command = new Command("ingest", "deliver and ingest extract files (exit 2 when one was rejected)") { paths, source, date };
        command.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.IngestAsync(s, p.GetValue(paths)!, p.GetValue(source), p.GetValue(date), cx.Output)));
        return command;
    }

    static Command Nightly(CliContext cx)
    {
        var date = Options.Date("the reference date (default: today, Europe/Amsterdam)");
        var command = new Command("nightly", "run the nightly comparison and the intake") { date };
        command.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.NightlyAsync(s, p.GetValue(date), cx.Output)));
        return command;
    }

    static Command Signals(CliContext cx)
    {
        var run = new Option<string>("--run") { Description = "latest or a run id", DefaultValueFactory = _ => "latest" };
        var format = Options.Format();
        var output = Options.Out("write to this file instead of standard output");
        var reveal = new Option<bool>("--reveal") { Description = "include the plain verblijfsobject id, address, BSN and KvK (audited; needs --reason)" };
        var reason = new Option<string?>("--reason") { Description = "the written reason for revealing (goes into the audit log)" };
        var export = new Command("export", "the signals of a run with their state in that run") { run, format, output, reveal, reason };
        export.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.ExportAsync(s, p.GetValue(run)!, p.GetValue(format)!, p.GetValue(output), p.GetValue(reveal), p.GetValue(reason), cx.Output)));
        return new Command("signals", "the signals of a run, and the signalenregister") { export, List(cx) };
    }

    static Command List(CliContext cx)
    {
        var format = Options.Format();
        var output = Options.Out("write to this file instead of standard output");
        var list = new Command("list", "the signalenregister: one record per signal, pseudonyms only") { format, output };
        list.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.ListAsync(s, p.GetValue(format)!, p.GetValue(output), cx.Output)));
        return list;
    }

    /// <summary><c>register list</c>: the contract's alias of <c>signals list</c>.</summary>
    static Command Register(CliContext cx) => new("register", "alias: register list = signals list") { List(cx) };

    static Command Serve(CliContext cx)
    {
        var urls = Options.Urls();
        var command = new Command("serve", "run the HTTP program (custom handler, review UI); FUNCTIONS_CUSTOMHANDLER_PORT wins when set") { urls };
        command.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.ServeAsync(s, p.GetValue(urls)!, cx.Output)));
        return command;
    }

    static Command Demo(CliContext cx)
    {
        var date = Options.Date("the reference date of the sample extracts (default: today)");
        var urls = Options.Urls();
        var noServe = new Option<bool>("--no-serve") { Description = "stop after the nightly instead of serving the review UI" };
        var realFormats = new Option<bool>("--real-formats") { Description = "deliver the samples as LV BAG 2.0, GBA-V and ZGW Zaken exports instead of v1 CSV" };
        var command = new Command("demo", "sample extracts → ingest → nightly → review UI") { date, urls, noServe, realFormats };
        command.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.DemoAsync(s, p.GetValue(date), p.GetValue(urls)!, p.GetValue(noServe), cx.Output, p.GetValue(realFormats)), demo: true));
        return command;
    }

    static Command Retention(CliContext cx)
    {
        var now = Options.Now();
        var command = new Command("retention", "apply the retention terms (protocol art. 12)") { now };
        command.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.RetentionAsync(s, cx.Output),
            clock: p.GetValue(now) is { } instant ? new Configuration.FixedClock(instant) : null));
        return command;
    }

    static Command Audit(CliContext cx)
    {
        var verify = new Command("verify", "check the audit log's hash chain from the first entry (exit 3 when broken)");
        verify.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.AuditVerifyAsync(s, cx.Output, cx.Error)));
        return new Command("audit", "the audit log") { verify };
    }

    static Command Subject(CliContext cx)
    {
        var command = new Command("subject", "requests of a data subject (art. 14); the BSN is pseudonymised at once and never stored");
        foreach (var (name, description) in new[]
        {
            ("find", "what the pipeline holds about a person"),
            ("rectify", "record a rectification (made at the source) on their signals"),
            ("erase", "erase a person from signals, snapshots and envelopes, and put them on the suppression list"),
            ("object", "record an upheld objection (art. 21 AVG): the person goes on the suppression list and no model processes them"),
        })
        {
            var bsn = Options.Required("--bsn", "the person's BSN");
            var reason = Options.Required("--reason", "the written reason (request and reference); goes into the audit log");
            var verb = new Command(name, description) { bsn, reason };
            var output = name == "find" ? Options.Out("write the report (HTML) to this file") : null;
            if (output is not null) verb.Add(output);
            verb.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => Verbs.SubjectAsync(s, name, p.GetValue(bsn)!, p.GetValue(reason)!, output is null ? null : p.GetValue(output), cx.Output)));
            command.Add(verb);
        }
        return command;
    }

    /// <summary>The DPIA register's lifecycle (cli.md v2): show, propose (a DPIA reviewer approves in the reviewer UI), suspend.</summary>
    static Command Dpia(CliContext cx)
    {
        var show = new Command("show", "the register in force, its approvals and the code hash each binds to, every version and suspension");
        show.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => GovernanceVerbs.DpiaShowAsync(s, cx.Output)));
        var file = new Argument<string>("file") { Description = "the register document (JSON) to propose" };
        var note = new Option<string?>("--note") { Description = "why this version (shown to the DPIA reviewer)" };
        var propose = new Command("propose", "propose a new register version; it governs only after a DPIA reviewer (not you) approves it in the reviewer UI") { file, note };
        propose.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => GovernanceVerbs.DpiaProposeAsync(s, p.GetValue(file)!, p.GetValue(note), cx.Output)));
        var model = new Argument<string>("model") { Description = "the model id, e.g. OVB" };
        var reason = Options.Required("--reason", "why (goes into the audit log)");
        var suspend = new Command("suspend", "stop one model at once (the emergency brake: no second person needed); effective at the next run") { model, reason };
        suspend.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => GovernanceVerbs.DpiaSuspendAsync(s, p.GetValue(model)!, p.GetValue(reason)!, cx.Output)));
        return new Command("dpia", "the DPIA register in storage (exit 3 when a step is refused)") { show, propose, suspend };
    }

    /// <summary>The Bijlage 2 checklist of the first weighing: shown, or replaced by a new version (an admin's edit).</summary>
    static Command Checklist(CliContext cx)
    {
        var show = new Command("show", "the checklist in force (version, person categories, characteristics)");
        show.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => GovernanceVerbs.ChecklistShowAsync(s, cx.Output)));
        var file = new Argument<string>("file") { Description = "the checklist document (JSON, as config/checklist-bijlage2.json)" };
        var set = new Command("set", "store a new version; first weighings use it from now on and record its version") { file };
        set.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => GovernanceVerbs.ChecklistSetAsync(s, p.GetValue(file)!, cx.Output)));
        return new Command("checklist", "the phase-1 checklist (protocol Bijlage 2)") { show, set };
    }

    static Command Models(CliContext cx)
    {
        var format = new Option<string>("--format") { Description = "text or json (one object per line)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var quality = new Command("quality", "per model version: signals, decisions, outcomes, precision and lift against the control sample") { format };
        quality.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => GovernanceVerbs.ModelsQualityAsync(s, p.GetValue(format)!, cx.Output)));
        return new Command("models", "the models and how they fare") { quality };
    }

    static Command Runs(CliContext cx)
    {
        var run = new Argument<string>("run-id") { Description = "the run to recompute" };
        var replay = new Command("replay", "recompute a run from its lineage and compare (exit 0 identical, 1 differs, 3 cannot)") { run };
        replay.SetAction((p, ct) => CliApp.RunVerbAsync(cx, p, s => GovernanceVerbs.ReplayAsync(s, p.GetValue(run)!, cx.Output)));
        return new Command("runs", "past runs") { replay };
    }

    static Command SampleBrp(CliContext cx)
    {
        var rows = new Option<int>("--rows") { Description = "how many rows", Required = true };
        rows.Validators.Add(r => { if (r.GetValueOrDefault<int>() <= 0) r.AddError("--rows must be a positive number"); });
        var output = Options.Required("--out", "the file to write");
        var command = new Command("sample-brp", "a large BRP file for measurements") { rows, output };
        command.SetAction(p => CliApp.RunVerbAsync(cx, p, withoutStorage: _ => Verbs.SampleBrp(p.GetValue(rows), p.GetValue(output)!, cx.Output)));
        return command;
    }

    static Command BenchFormats(CliContext cx)
    {
        var vbos = new Option<int>("--vbos") { Description = "verblijfsobjecten in the synthetic LV BAG 2.0 extract", DefaultValueFactory = _ => 100_000 };
        var command = new Command("bench-formats", "time reading an LV BAG 2.0 extract (XML parts) of N verblijfsobjecten") { vbos };
        command.SetAction(p => CliApp.RunVerbAsync(cx, p, withoutStorage: _ => Verbs.BenchFormats(p.GetValue(vbos), cx.Output)));
        return command;
    }

    static Command BenchAno(CliContext cx)
    {
        var vbos = new Option<int>("--vbos") { Description = "how many synthetic verblijfsobjecten", DefaultValueFactory = _ => 500_000 };
        var command = new Command("bench-ano", "time ANO training and scoring on a synthetic matrix") { vbos };
        command.SetAction(p => CliApp.RunVerbAsync(cx, p, withoutStorage: _ => Verbs.BenchAno(p.GetValue(vbos), cx.Output)));
        return command;
    }
}
