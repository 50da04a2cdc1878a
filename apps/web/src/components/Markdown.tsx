// The decision report, rendered from its Markdown. react-markdown builds React elements (no raw HTML is passed
// through), so a report cannot inject markup; links open only for http(s).
import ReactMarkdown from 'react-markdown';

export default function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown urlTransform={(url) => (/^(https?:|#|\/)/.test(url) ? url : '')}>{text}</ReactMarkdown>
    </div>
  );
}
