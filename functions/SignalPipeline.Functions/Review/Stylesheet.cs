namespace SignalPipeline.Functions.Review;

/// <summary>The one stylesheet, served from the app itself: the Content-Security-Policy allows no inline style or script.</summary>
public static class Stylesheet
{
    public const string Path = "/review/site.css";

    public const string Css = """

          body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
          header{background:#154273;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:center}
          header a{color:#fff} main{padding:1rem 1.2rem;max-width:1100px}
          .dev{background:#ffb612;color:#000;padding:.3rem 1.2rem;font-weight:600}
          table{border-collapse:collapse;width:100%;background:#fff} th,td{border:1px solid #d0d5dd;padding:.35rem .5rem;text-align:left;vertical-align:top}
          th{background:#e8edf3} .muted{color:#555} code{font-size:.85em} .box{background:#fff;border:1px solid #d0d5dd;padding: .8rem;margin:.8rem 0}
          form.inline{display:inline} label{margin-right:.6rem} .error{border-color:#d52b1e;background:#fdecea}
          .revealed{border:2px solid #d52b1e} tr.flag td{background:#fff3cd} input[name=reason]{width:32rem;max-width:100%}
          header .who{margin-left:auto} .returned strong{color:#8a4b00}
          input[placeholder="dd-mm-jjjj"]{width:7.5rem} select{max-width:100%} fieldset label{display:block} fieldset{margin:.4rem 0}
          .phase1 h3{margin:.8rem 0 .3rem}
          h1,code{overflow-wrap:anywhere}
          @media (max-width:700px){h1{font-size:1.4rem} main{padding:.6rem;overflow-wrap:anywhere} header{flex-wrap:wrap;gap:.5rem} table{display:block;overflow-x:auto}
            input,select,textarea{max-width:100%} label{display:block;margin:.3rem 0} .box{overflow-x:auto}}
        """;
}
